"""Registering, cancelling and promoting from the waiting list, one meeting at a time.

Every decision about a meeting's places is taken while that meeting's ``MeetingRoster``
row is locked, in one transaction: two people asking for the last place at the same
moment get one place and one waiting-list entry, never two places.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.db import OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from cms.access import can_view_page
from cms.meetings.emails import send_promotion
from cms.meetings.models import MeetingRoster, Registration, TravelSupportRequest
from members.models import CollegeMembership, Member
from members.visibility import ACCOMPANIED_COLLEGE

T = TypeVar("T")

# SQLite has no row locks: a writer that finds the database locked tries again a few times.
SQLITE_ATTEMPTS = 40
SQLITE_PAUSE_SECONDS = 0.05


class RegistrationRefused(Exception):
    """Registration or cancellation is not possible; the message is for the person."""


@dataclass
class Outcome:
    registration: Registration
    changed: bool
    position: int | None = None


# ---------------------------------------------------------------------------
# Rules


def closed_reason(event, now=None) -> str | None:
    """Why registration to this meeting is closed, in French, or None while it is open."""
    now = now or timezone.now()
    if event.start <= now:
        return "Cette rencontre a déjà eu lieu : les inscriptions sont closes."
    deadline = event.registration_deadline
    if deadline and timezone.localdate(now) > deadline:
        return (
            "Les inscriptions à cette rencontre sont closes depuis le "
            f"{deadline.day} {_MONTHS[deadline.month - 1]} {deadline.year}."
        )
    return None


_MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
)


def refusal_for(user, event) -> str | None:
    """Why this person may not register to this meeting at all, or None."""
    if not user.is_authenticated or not user.is_active:
        return "Connectez-vous pour vous inscrire à cette rencontre."
    if not can_view_page(user, event):
        return "Cette rencontre n’est pas ouverte à votre inscription."
    member = Member.objects.filter(user=user).only("status").first()
    if member is not None and member.status != Member.Status.ACTIVE:
        return "Seuls les membres actifs de la convention peuvent s’inscrire."
    return None


def offers_travel_support(user) -> bool:
    """Only people of the "personnes accompagnées" college may ask for travel cost support."""
    if not user.is_authenticated:
        return False
    return CollegeMembership.objects.filter(
        member__user=user,
        member__status=Member.Status.ACTIVE,
        college__slug=ACCOMPANIED_COLLEGE,
    ).exists()


# ---------------------------------------------------------------------------
# Counting


def confirmed_count(event) -> int:
    return Registration.objects.filter(event=event).confirmed().count()


def places_left(event, confirmed: int) -> int | None:
    """Free places, or None for a meeting without a limit."""
    if event.capacity is None:
        return None
    return max(0, event.capacity - confirmed)


def waiting_position(registration: Registration) -> int:
    """1 for the first person on the waiting list."""
    ahead = Q(registered_at__lt=registration.registered_at) | Q(
        registered_at=registration.registered_at, pk__lt=registration.pk
    )
    waiting = Registration.objects.filter(event_id=registration.event_id).waiting()
    return waiting.filter(ahead).count() + 1


# ---------------------------------------------------------------------------
# Locking


def _is_sqlite_lock(error: OperationalError) -> bool:
    return connection.vendor == "sqlite" and "locked" in str(error)


def with_meeting_locked(event, operation: Callable[[], T]) -> T:
    """Run ``operation`` in a transaction that holds the meeting's roster row locked.

    The roster row is created beforehand, outside the transaction, so that the first
    statement inside it is the write that takes the lock (SQLite only has a database-wide
    write lock, which it must take before anything is read).
    """
    attempts = SQLITE_ATTEMPTS if not connection.in_atomic_block else 1
    for attempt in range(1, attempts + 1):
        try:
            MeetingRoster.objects.get_or_create(event_id=event.pk)
            with transaction.atomic():
                MeetingRoster.objects.filter(event_id=event.pk).update(changes=F("changes") + 1)
                MeetingRoster.objects.select_for_update().get(event_id=event.pk)
                return operation()
        except OperationalError as error:
            if attempt == attempts or not _is_sqlite_lock(error):
                raise
            time.sleep(SQLITE_PAUSE_SECONDS)
    raise AssertionError("unreachable")


# ---------------------------------------------------------------------------
# Changes


def register(event, user, *, travel_support: bool = False, travel_note: str = "") -> Outcome:
    """Register the person, or put them on the waiting list when the meeting is full.

    Raises ``RegistrationRefused`` when registration is closed or not allowed.
    """
    reason = refusal_for(user, event) or closed_reason(event)
    if reason:
        raise RegistrationRefused(reason)
    wants_support = travel_support and offers_travel_support(user)
    note = " ".join(travel_note.split())[: TravelSupportRequest.NOTE_MAX_LENGTH]

    def decide() -> Outcome:
        registration = Registration.objects.filter(event=event, user=user).first()
        if registration is not None and registration.status != Registration.Status.CANCELLED:
            outcome = Outcome(registration, changed=False)
        else:
            free = places_left(event, confirmed_count(event))
            status = Registration.Status.WAITING if free == 0 else Registration.Status.CONFIRMED
            if registration is None:
                registration = Registration(event=event, user=user)
            registration.status = status
            registration.registered_at = timezone.now()
            registration.promoted_at = None
            registration.cancelled_at = None
            registration.save()
            outcome = Outcome(registration, changed=True)
        if wants_support:
            record_travel_support(registration, note)
        if outcome.registration.is_waiting:
            outcome.position = waiting_position(outcome.registration)
        return outcome

    return with_meeting_locked(event, decide)


def record_travel_support(registration: Registration, note: str) -> TravelSupportRequest:
    support, created = TravelSupportRequest.objects.get_or_create(
        registration=registration, defaults={"note": note}
    )
    if not created and note and note != support.note:
        support.note = note
        support.save(update_fields=["note", "updated_at"])
    return support


def cancel(event, user) -> Registration:
    """Cancel the person's registration or waiting-list entry and give freed places away."""
    if event.start <= timezone.now():
        raise RegistrationRefused(
            "Cette rencontre a déjà eu lieu : l’inscription ne peut plus être annulée."
        )

    def decide() -> Registration:
        registration = Registration.objects.current().filter(event=event, user=user).first()
        if registration is None:
            raise RegistrationRefused("Vous n’êtes pas inscrit·e à cette rencontre.")
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        promote_waiting(event)
        return registration

    return with_meeting_locked(event, decide)


def promote_waiting(event) -> list[Registration]:
    """Give the free places to the waiting list, first come first served.

    Call with the meeting locked. People who may no longer see the meeting are passed
    over. Each promoted person receives an e-mail once the transaction is committed.
    """
    free = places_left(event, confirmed_count(event))
    promoted: list[Registration] = []
    if free == 0:
        return promoted
    for registration in (
        Registration.objects.filter(event=event).in_waiting_order().select_related("user")
    ):
        if free is not None and len(promoted) >= free:
            break
        if not can_view_page(registration.user, event):
            continue
        registration.status = Registration.Status.CONFIRMED
        registration.promoted_at = timezone.now()
        registration.save(update_fields=["status", "promoted_at"])
        promoted.append(registration)
        transaction.on_commit(_promotion_mail(registration, event))
    return promoted


def _promotion_mail(registration: Registration, event) -> Callable[[], None]:
    return lambda: send_promotion(registration, event)


def fill_free_places(event) -> list[Registration]:
    """After an editor changes a meeting (more places, no limit), promote whoever fits."""
    if not Registration.objects.filter(event=event).waiting().exists():
        return []
    return with_meeting_locked(event, lambda: promote_waiting(event))
