"""« Mes prochaines rencontres » on a member's home page (``members.space.home_sections``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from cms.meetings.pages import EventIndexPage
from cms.meetings.queries import registrations_of
from cms.member_home import first_visible_url
from members.space.home_sections import SECTION_LENGTH, EmptyState, HomeItem, SectionContent

NO_MEETING = "Vous n’êtes inscrit·e à aucune rencontre à venir."


def upcoming_meetings(request: HttpRequest) -> SectionContent:
    """The person's next meetings (registered or waiting), soonest first, as they may see them."""
    registrations = registrations_of(request.user, upcoming_only=True)[:SECTION_LENGTH]
    items = [
        HomeItem(
            title=registration.event.title,
            url=registration.event.get_url(request) or "",
            meta=registration.event.location,
            when=registration.event.start,
            status=registration.get_status_display(),
            status_code=registration.status,
        )
        for registration in registrations
    ]
    # Where to find meetings, looked up only when there is nothing to list.
    meetings_url = "" if items else first_visible_url(request, EventIndexPage)
    empty = EmptyState(NO_MEETING, "Voir les rencontres et m’inscrire", meetings_url)
    return SectionContent(items, reverse("meetings:my_registrations"), empty)
