"""Views of meeting registration on the meeting's page.

The event page's own routes (register, cancel, attendee list, CSV) are served through
``EventPage`` (``RoutablePageMixin``), so Wagtail's view restrictions run first; they
delegate to the functions below, which take the page and never import its type. The
URLs of this app (/inscriptions/) are served by ``cms.meetings.site_views``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control

from cms.access import visible_pages
from cms.dossiers.pages import ContributionPage
from cms.exports.downloads import download, filename
from cms.meetings import services
from cms.meetings.attendees import attendees_csv, attendees_of
from cms.meetings.models import Registration, TravelSupportRequest
from members.permissions import is_coordination
from members.visibility import Viewer

ATTENDEES_PER_PAGE = 100


class RegistrationForm(forms.Form):
    travel_support = forms.BooleanField(required=False)
    travel_note = forms.CharField(
        required=False,
        max_length=TravelSupportRequest.NOTE_MAX_LENGTH,
        error_messages={
            "max_length": (
                "Vos précisions sur les frais de déplacement sont trop longues "
                f"({TravelSupportRequest.NOTE_MAX_LENGTH} caractères au plus)."
            )
        },
    )


# ---------------------------------------------------------------------------
# The event page


def own_registration(event, user) -> Registration | None:
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.current()
        .filter(event=event, user=user)
        .select_related("travel_support")
        .first()
    )


def travel_support_of(registration: Registration | None) -> TravelSupportRequest | None:
    if registration is None:
        return None
    try:
        return registration.travel_support
    except TravelSupportRequest.DoesNotExist:
        return None


def linked_contributions(event, user):
    """Minutes and syntheses of this meeting that the reader may see."""
    contributions = ContributionPage.objects.live().filter(meeting=event)
    return visible_pages(user, contributions).order_by("-date", "title")


def event_context(event, request: HttpRequest) -> dict:
    """What the event page shows about registration, in a fixed number of queries."""
    if event.pk is None:
        return {"registration_closed": "Aperçu : les inscriptions ouvriront à la publication."}
    user = request.user
    counts = Registration.objects.filter(event=event).aggregate(
        confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=Registration.Status.WAITING)),
    )
    registration = own_registration(event, user)
    closed = services.closed_reason(event)
    refusal = services.refusal_for(user, event) if user.is_authenticated else None
    coordination = user.is_authenticated and is_coordination(user)
    return {
        "confirmed_count": counts["confirmed"],
        "waiting_count": counts["waiting"],
        "places_left": services.places_left(event, counts["confirmed"]),
        "registration": registration,
        "waiting_position": (
            services.waiting_position(registration)
            if registration and registration.is_waiting
            else None
        ),
        "travel_support": travel_support_of(registration),
        "registration_closed": closed,
        "registration_refused": refusal,
        "may_register": user.is_authenticated and not closed and not refusal,
        "offers_travel_support": (
            registration is None and not closed and services.offers_travel_support(user)
        ),
        "travel_note_max_length": TravelSupportRequest.NOTE_MAX_LENGTH,
        "is_coordination": coordination,
        "register_url": event.sub_url(request, "register"),
        "cancel_url": event.sub_url(request, "cancel"),
        "attendees_url": event.sub_url(request, "attendees") if coordination else "",
        "attendees_csv_url": event.sub_url(request, "attendees_csv") if coordination else "",
        "ics_url": event_ics_url(event),
        "contributions": linked_contributions(event, user),
    }


def event_ics_url(event) -> str:
    return reverse("meetings:event_ics", args=[event.pk])


def _registration_step(
    step: Callable[[Any, HttpRequest], str],
) -> Callable[[Any, HttpRequest], HttpResponse]:
    """The POST of a signed-in person on a meeting: back to its page with the message
    ``step`` returns, or with each message of its ``RegistrationRefused``."""

    @functools.wraps(step)
    def view(event, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        page_url = event.get_url(request)
        if not request.user.is_authenticated:
            return redirect_to_login(page_url)
        try:
            success = step(event, request)
        except services.RegistrationRefused as refusal:
            for message in refusal.args:
                messages.error(request, str(message))
        else:
            messages.success(request, success)
        return redirect(page_url)

    return view


@_registration_step
def register(event, request: HttpRequest) -> str:
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        errors = [str(error) for field_errors in form.errors.values() for error in field_errors]
        raise services.RegistrationRefused(*errors)
    outcome = services.register(
        event,
        request.user,
        travel_support=form.cleaned_data["travel_support"],
        travel_note=form.cleaned_data["travel_note"],
    )
    return registration_message(event, outcome)


def registration_message(event, outcome: services.Outcome) -> str:
    if outcome.registration.is_waiting:
        return (
            f"La rencontre « {event.title} » est complète : vous êtes sur la liste d’attente, "
            f"en position {outcome.position}. Vous recevrez un courriel si une place se libère."
        )
    if not outcome.changed:
        return f"Vous êtes déjà inscrit·e à la rencontre « {event.title} »."
    return f"Votre inscription à la rencontre « {event.title} » est enregistrée."


@_registration_step
def _cancel(event, request: HttpRequest) -> str:
    services.cancel(event, request.user)
    return f"Votre inscription à la rencontre « {event.title} » est annulée."


def cancel(event, request: HttpRequest) -> HttpResponse:
    """GET asks for confirmation (a page of its own, no JavaScript); POST cancels."""
    if request.method != "GET":
        return _cancel(event, request)
    if not request.user.is_authenticated:
        return redirect_to_login(event.get_url(request))
    registration = own_registration(event, request.user)
    if registration is None or event.is_past:
        messages.error(request, f"Vous n’êtes pas inscrit·e à la rencontre « {event.title} ».")
        return redirect(event.get_url(request))
    response = event.render(
        request,
        template="meetings/cancel_confirm.html",
        context_overrides={
            "registration": registration,
            "cancel_url": event.sub_url(request, "cancel"),
        },
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def _require_coordination(request: HttpRequest) -> None:
    if not (request.user.is_authenticated and is_coordination(request.user)):
        raise PermissionDenied("La liste des participants est réservée à la coordination.")


def attendees(event, request: HttpRequest) -> HttpResponse:
    _require_coordination(request)
    people = attendees_of(event, Viewer.of(request.user))
    page = Paginator(people, ATTENDEES_PER_PAGE).get_page(request.GET.get("page"))
    response = event.render(
        request,
        template="meetings/attendees.html",
        context_overrides={
            "attendees_page": page,
            "confirmed_total": sum(1 for person in people if not person.position),
            "waiting_total": sum(1 for person in people if person.position),
            "attendees_csv_url": event.sub_url(request, "attendees_csv"),
        },
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def attendees_csv_download(event, request: HttpRequest) -> HttpResponse:
    _require_coordination(request)
    content = attendees_csv(attendees_of(event, Viewer.of(request.user)))
    name = filename("participants", event.slug or str(event.pk), extension="csv")
    return download(content, "text/csv; charset=utf-8", name)
