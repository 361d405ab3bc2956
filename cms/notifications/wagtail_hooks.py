"""Coordination sees who follows which dossier in the admin, read-only."""

from __future__ import annotations

from django.http import HttpRequest
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from cms.notifications.models import DossierFollow
from cms.notifications.queries import followed_dossiers, notification_frequency
from members.admin_querystring import BoundedFiltersIndexView
from members.models import Member
from members.permissions import is_coordination
from members.space.panels import MY_SPACE_PANELS_HOOK, SpacePanel, TemplatePanel


class CoordinationReadOnlyPolicy(ModelPermissionPolicy):
    """Follows belong to each person (set on /suivi/): coordination only looks."""

    def user_has_permission(self, user, action: str) -> bool:
        return action == "view" and user.is_authenticated and is_coordination(user)

    def user_has_any_permission(self, user, actions) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(DossierFollow, CoordinationReadOnlyPolicy(DossierFollow))


class DossierFollowViewSet(ModelViewSet):
    model = DossierFollow
    icon = "view"
    menu_label = "Dossiers suivis"
    menu_order = 320
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = BoundedFiltersIndexView
    list_display = ["dossier", "user", "created_at"]
    list_filter = ["dossier"]
    ordering = ["-created_at"]
    form_fields = ["user", "dossier"]

    def get_queryset(self, request):
        return DossierFollow.objects.select_related("user", "dossier")


@hooks.register("register_admin_viewset")
def register_dossier_follow_viewset() -> DossierFollowViewSet:
    return DossierFollowViewSet("dossiers_suivis")


@hooks.register(MY_SPACE_PANELS_HOOK)
def add_follows_panel(request: HttpRequest, member: Member, panels: list[SpacePanel]) -> None:
    """« Mon espace »: the dossiers the person follows and how often they hear of them."""
    panels.append(
        TemplatePanel(
            anchor="mes-suivis",
            heading="Les dossiers que je suis",
            order=300,
            template_name="notifications/my_space_panel.html",
            context={
                "followed": list(followed_dossiers(request.user)),
                "frequency": notification_frequency(request.user),
            },
        )
    )
