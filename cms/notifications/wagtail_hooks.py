"""Coordination sees who follows which dossier in the admin, read-only."""

from __future__ import annotations

from django.http import HttpRequest
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from cms.notifications.home_section import news_in_followed_dossiers
from cms.notifications.models import DossierFollow
from cms.notifications.queries import followed_dossiers, notification_frequency
from members.admin_coordination import CoordinationPolicy
from members.admin_querystring import BoundedFiltersIndexView
from members.models import Member
from members.space.home_sections import SectionContent, home_section
from members.space.panels import template_panel


class CoordinationReadOnlyPolicy(CoordinationPolicy):
    """Follows belong to each person (set on /suivi/): coordination only looks."""

    def allows(self, action: str) -> bool:
        return action == "view"


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


@template_panel("mes-suivis", "Les dossiers que je suis", 300, "notifications/my_space_panel.html")
def follows_panel(request: HttpRequest, member: Member) -> dict:
    """« Mon espace »: the dossiers the person follows and how often they hear of them."""
    return {
        "followed": list(followed_dossiers(request.user)),
        "frequency": notification_frequency(request.user),
    }


@home_section("nouveau-dans-mes-suivis", "Nouveau dans mes dossiers suivis", 200)
def followed_news_section(request: HttpRequest, member: Member) -> SectionContent:
    """The member's home page: what was published lately in the dossiers they follow."""
    return news_in_followed_dossiers(request)
