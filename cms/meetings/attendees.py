"""The attendee list of a meeting, for coordination: on a page and as a CSV file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.utils import timezone

from cms.meetings.models import Registration, TravelSupportRequest
from members.models import CollegeMembership
from members.visibility import Viewer, display_name, may_see_field
from shared.spreadsheet import csv_bytes

CSV_HEADERS = [
    "nom",
    "organisation",
    "collèges",
    "courriel",
    "statut",
    "date d'inscription",
    "prise en charge des frais demandée",
]
# A spreadsheet would run a cell starting with one of these as a formula.


@dataclass
class Attendee:
    name: str
    organisation: str
    colleges: str
    email: str
    status: str
    registered_at: datetime
    travel_support: TravelSupportRequest | None
    position: int | None = None

    @property
    def travel_support_label(self) -> str:
        return "oui" if self.travel_support is not None else "non"


def current_registrations(event) -> QuerySet:
    """Confirmed people first, then the waiting list in its order, in a fixed number of queries."""
    return (
        Registration.objects.current()
        .filter(event=event)
        .select_related("user", "user__member", "user__member__organisation", "travel_support")
        .prefetch_related(
            Prefetch(
                "user__member__memberships",
                CollegeMembership.objects.select_related("college").order_by(
                    "college__sort_order", "college__name"
                ),
            )
        )
        .annotate(
            _waiting=Case(
                When(status=Registration.Status.WAITING, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("_waiting", "registered_at", "pk")
    )


def _travel_support(registration: Registration) -> TravelSupportRequest | None:
    try:
        return registration.travel_support
    except TravelSupportRequest.DoesNotExist:
        return None


def attendee_for(viewer: Viewer, registration: Registration) -> Attendee:
    user = registration.user
    member = getattr(user, "member", None)
    if member is None:
        name, organisation, colleges, email = (
            user.get_full_name() or user.username,
            "",
            [],
            user.email,
        )
    else:
        memberships = list(member.memberships.all())
        colleges = [membership.college for membership in memberships]
        name = display_name(member, {college.slug for college in colleges})
        organisation = member.organisation.name if member.organisation else ""
        college_ids = {college.pk for college in colleges}
        email = user.email if may_see_field(viewer, member, "email", college_ids) else ""
    return Attendee(
        name=name,
        organisation=organisation,
        colleges=", ".join(college.name for college in colleges),
        email=email,
        status=registration.get_status_display(),
        registered_at=registration.registered_at,
        travel_support=_travel_support(registration),
    )


def attendees_of(event, viewer: Viewer) -> list[Attendee]:
    attendees = []
    position = 0
    for registration in current_registrations(event):
        attendee = attendee_for(viewer, registration)
        if registration.is_waiting:
            position += 1
            attendee.position = position
        attendees.append(attendee)
    return attendees


def attendees_csv(attendees: list[Attendee]) -> bytes:
    """The attendee list as a CSV file for spreadsheets (see ``shared.spreadsheet``)."""
    return csv_bytes(CSV_HEADERS, (_csv_row(attendee) for attendee in attendees))


def _csv_row(attendee: Attendee) -> list[str]:
    status = attendee.status
    if attendee.position:
        status = f"{status} ({attendee.position})"
    return [
        attendee.name,
        attendee.organisation,
        attendee.colleges,
        attendee.email,
        status,
        timezone.localtime(attendee.registered_at).strftime("%d/%m/%Y %H:%M"),
        attendee.travel_support_label,
    ]
