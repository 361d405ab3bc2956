"""Admin follow-up of travel cost support requests, for coordination only."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from cms.meetings.models import TravelSupportRequest
from cms.meetings.queries import registrations_of
from members.admin_querystring import BoundedFiltersIndexView
from members.models import CollegeMembership, Member
from members.permissions import is_coordination
from members.space.panels import MY_SPACE_PANELS_HOOK, SpacePanel, TemplatePanel


class CoordinationOnlyPolicy(ModelPermissionPolicy):
    """Coordination follows the requests up; they are only ever created by registering."""

    def user_has_permission(self, user, action: str) -> bool:
        if action in ("add", "copy"):
            return False
        return user.is_authenticated and is_coordination(user)

    def user_has_any_permission(self, user, actions) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(TravelSupportRequest, CoordinationOnlyPolicy(TravelSupportRequest))


class TravelSupportIndexView(BoundedFiltersIndexView):
    def get_base_queryset(self):
        # What the columns show (person, colleges for the shown name, meeting) in four queries.
        return (
            super()
            .get_base_queryset()
            .select_related("registration__event", "registration__user__member")
            .prefetch_related(
                Prefetch(
                    "registration__user__member__memberships",
                    CollegeMembership.objects.select_related("college"),
                )
            )
        )


class TravelSupportViewSet(ModelViewSet):
    model = TravelSupportRequest
    icon = "tasks"
    menu_label = "Prises en charge des frais"
    menu_order = 310
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = TravelSupportIndexView
    list_display = [
        "person",
        "meeting",
        "meeting_date",
        "registration_status",
        "status",
        "created_at",
    ]
    list_filter = ["status"]
    ordering = ["-created_at"]
    inspect_view_fields = ["note", "status", "follow_up_note", "created_at", "updated_at"]
    panels = [
        MultiFieldPanel([FieldPanel("note", read_only=True)], heading="Demande de la personne"),
        FieldPanel("status"),
        FieldPanel("follow_up_note"),
    ]


@hooks.register("register_admin_viewset")
def register_travel_support_viewset() -> TravelSupportViewSet:
    return TravelSupportViewSet("prises_en_charge_frais")


@hooks.register(MY_SPACE_PANELS_HOOK)
def add_meetings_panel(request: HttpRequest, member: Member, panels: list[SpacePanel]) -> None:
    """« Mon espace »: the person's registrations, upcoming meetings first."""
    panels.append(
        TemplatePanel(
            anchor="mes-rencontres",
            heading="Mes rencontres",
            order=200,
            template_name="meetings/my_space_panel.html",
            context={"registrations": list(registrations_of(request.user))},
        )
    )
