"""Read-only questions about registrations, for pages outside this app ("Mon espace")."""

from __future__ import annotations

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from cms.access import visible_pages
from cms.meetings.models import Registration
from cms.meetings.pages import EventPage


def registrations_of(user, upcoming_only: bool = False) -> QuerySet:
    """The person's registrations and waiting-list entries, upcoming meetings first.

    Upcoming meetings come soonest first, then past ones latest first. Cancelled
    registrations and meetings the person may no longer see are left out. Each row
    carries its ``event`` (and its ``travel_support`` request, if any) without more queries.
    """
    if not user.is_authenticated:
        return Registration.objects.none()
    now = timezone.now()
    events = visible_pages(user, EventPage.objects.live())
    registrations = (
        Registration.objects.current()
        .filter(user=user, event__in=events.values("pk"))
        .select_related("event", "travel_support")
    )
    is_past = Q(event__start__lt=now)
    if upcoming_only:
        return registrations.filter(event__start__gte=now).order_by("event__start", "pk")
    # Upcoming ones soonest first, then past ones most recent first.
    return registrations.annotate(
        _is_past=Case(When(is_past, then=Value(1)), default=Value(0), output_field=IntegerField()),
        _upcoming_start=Case(When(~is_past, then=F("event__start"))),
        _past_start=Case(When(is_past, then=F("event__start"))),
    ).order_by("_is_past", F("_upcoming_start").asc(nulls_last=True), F("_past_start").desc(), "pk")
