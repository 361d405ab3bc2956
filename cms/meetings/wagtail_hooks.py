"""Admin follow-up of travel cost support requests, for coordination only."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from cms.meetings.dashboard import next_meetings_panel
from cms.meetings.home_section import upcoming_meetings
from cms.meetings.models import TravelSupportRequest
from cms.meetings.queries import registrations_of
from members.admin_coordination import CoordinationPolicy
from members.admin_dashboard import dashboard_panel
from members.admin_querystring import BoundedFiltersIndexView
from members.models import CollegeMembership, Member
from members.space.home_sections import SectionContent, home_section
from members.space.panels import template_panel


class CoordinationOnlyPolicy(CoordinationPolicy):
    """Coordination follows the requests up; they are only ever created by registering."""

    def allows(self, action: str) -> bool:
        return action not in ("add", "copy")


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


@template_panel("mes-rencontres", "Mes rencontres", 200, "meetings/my_space_panel.html")
def meetings_panel(request: HttpRequest, member: Member) -> dict:
    """« Mon espace »: the person's registrations, upcoming meetings first."""
    return {"registrations": list(registrations_of(request.user))}


@home_section("mes-prochaines-rencontres", "Mes prochaines rencontres", 100)
def upcoming_meetings_section(request: HttpRequest, member: Member) -> SectionContent:
    """The member's home page: their next meetings."""
    return upcoming_meetings(request)


# The admin's dashboard: the next meetings the reader may see.
dashboard_panel("prochaines-rencontres", "Prochaines rencontres", 140)(next_meetings_panel)
