"""Views of this app's own URLs (/inscriptions/), outside the page tree.

A person's registrations and the calendar files of meetings; as they are not served
through a page, each one checks ``can_view_page`` (or ``visible_pages``) itself.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.text import slugify

from cms.access import can_view_page, visible_pages
from cms.meetings import services
from cms.meetings.ical import calendar_for, ics_response
from cms.meetings.pages import EventIndexPage, EventPage
from cms.meetings.queries import registrations_of

REGISTRATIONS_PER_PAGE = 20


def upcoming(events):
    """Meetings not over yet: not started, or started and not ended."""
    now = timezone.now()
    return events.filter(Q(start__gte=now) | Q(end__gte=now)).order_by("start", "pk")


def event_ics(request: HttpRequest, page_id: int) -> HttpResponse:
    event = EventPage.objects.live().filter(pk=page_id).first()
    if event is None or not can_view_page(request.user, event):
        raise Http404("Rencontre introuvable.")
    return ics_response(
        calendar_for([event], event.title),
        f"{slugify(event.slug) or 'rencontre'}.ics",
        private=request.user.is_authenticated,
    )


def index_ics(request: HttpRequest, page_id: int) -> HttpResponse:
    """The upcoming meetings of one list of meetings that the reader may see."""
    index = EventIndexPage.objects.live().filter(pk=page_id).first()
    if index is None or not can_view_page(request.user, index):
        raise Http404("Liste de rencontres introuvable.")
    events = upcoming(visible_pages(request.user, EventPage.objects.child_of(index).live()))
    return ics_response(
        calendar_for(events, index.title),
        f"{slugify(index.get_parent().slug)}-rencontres.ics",
        private=request.user.is_authenticated,
    )


def all_upcoming_ics(request: HttpRequest) -> HttpResponse:
    """Every upcoming meeting of the site that the reader may see."""
    events = upcoming(visible_pages(request.user, EventPage.objects.live()))
    return ics_response(
        calendar_for(events, "Rencontres de la convention"),
        "rencontres.ics",
        private=request.user.is_authenticated,
    )


@login_required
def my_registrations(request: HttpRequest) -> HttpResponse:
    page = Paginator(registrations_of(request.user), REGISTRATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for registration in page.object_list:
        if registration.is_waiting:
            registration.position = services.waiting_position(registration)
    response = render(
        request,
        "meetings/my_registrations.html",
        {"registrations_page": page, "now": timezone.now()},
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
