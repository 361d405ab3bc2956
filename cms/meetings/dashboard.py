"""« Prochaines rencontres » on the admin's dashboard (``members.admin_dashboard``): the next
meetings the reader may see, soonest first, with how many people registered."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from cms.access import visible_pages
from cms.meetings.models import Registration
from cms.meetings.pages import EventIndexPage, EventPage
from cms.member_home import first_visible_url
from members.admin_dashboard import PanelContent, count_text, listed_panel
from members.space.home_sections import HomeItem

CONFIRMED = Q(registrations__status=Registration.Status.CONFIRMED)
WAITING = Q(registrations__status=Registration.Status.WAITING)


def _registered(confirmed: int, waiting: int) -> str:
    text = count_text(confirmed, "inscrit·e", "inscrit·es")
    return f"{text}, {waiting} en liste d'attente" if waiting else text


def next_meetings_panel(request: HttpRequest) -> PanelContent | None:
    """Live meetings still to come that the reader may see (the one access rule)."""
    upcoming = visible_pages(
        request.user, EventPage.objects.live().filter(start__gte=timezone.now())
    )
    return listed_panel(
        upcoming.annotate(
            confirmed=Count("registrations", filter=CONFIRMED),
            waiting=Count("registrations", filter=WAITING),
        ).order_by("start", "pk"),
        lambda event: HomeItem(
            event.title,
            event.get_url(request) or "",
            meta=" — ".join(
                filter(None, [event.location, _registered(event.confirmed, event.waiting)])
            ),
            when=timezone.localtime(event.start),
        ),
        ("rencontre à venir", "rencontres à venir"),
        more_url=first_visible_url(request, EventIndexPage),
        more_label="Toutes les rencontres",
        empty="Aucune rencontre n'est prévue pour le moment.",
    )
