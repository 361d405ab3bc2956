"""Followers of a dossier hear of its préconisations' status changes: at once, or weekly.

The dossier's followers and their preference (``cms.notifications``) decide who is told
and when; whether the item may be seen is checked for each person at the moment of
sending (``can_view_item``, the one access rule), so an item restricted in between, or a
dossier no longer followed, sends nothing.
"""

from __future__ import annotations

from django.core.mail import get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cms.followup.access import can_view_item
from cms.followup.models import StatusNotice, TimelineEntry
from cms.notifications.delivery import (
    digests_per_person,
    may_receive,
    sent_or_deferred,
    tell_followers,
)
from cms.notifications.emails import build_message
from cms.notifications.models import DossierFollow
from shared.links import absolute_url


def status_change(entry: TimelineEntry) -> dict | None:
    """The status part of an entry's changes (before, after), None when it has none."""
    return next((change for change in entry.changes if change.get("field") == "status"), None)


def _news(entry: TimelineEntry) -> dict:
    item = entry.item
    return {
        "title": item.title,
        "dossier_title": item.dossier.title if item.dossier else "",
        "change": status_change(entry),
        "date": entry.date,
        "text": entry.text,
        "url": absolute_url(reverse("followup:item", args=[item.pk])),
    }


def _entry(entry_id: int) -> TimelineEntry | None:
    entries = TimelineEntry.objects.select_related("item__contribution", "item__dossier")
    return entries.filter(pk=entry_id).first()


def _still_told(user, entry: TimelineEntry, followed: set[int]) -> bool:
    item = entry.item
    return (
        item.dossier_id in followed
        and may_receive(user)
        and can_view_item(user, item)
    )  # fmt: skip


def notify_status_change(entry_id: int) -> int:
    """Tell the dossier's followers of the status change of this entry; returns e-mails sent."""
    entry = _entry(entry_id)
    if entry is None or status_change(entry) is None or entry.item.dossier_id is None:
        return 0
    dossier_id = entry.item.dossier_id
    connection = get_connection()

    def record(user, delivery: str):
        return StatusNotice.objects.get_or_create(
            user=user, entry=entry, defaults={"delivery": delivery}
        )

    return tell_followers(
        dossier_id,
        may_see=lambda user: can_view_item(user, entry.item),
        record=record,
        send_now=lambda user, notice: _send_now(user, notice, connection),
    )


def _send_now(user, notice: StatusNotice, connection) -> int:
    news = _news(notice.entry)
    subject = f"« {news['title']} » : {news['change']['after'].lower()}"
    if not sent_or_deferred(
        notice,
        lambda: build_message(user, subject, "followup_status", {"news": news}, connection).send(),
        "Courriel de changement d'état non envoyé à l'utilisateur %s",
    ):
        return 0
    _mark([notice], StatusNotice.State.SENT)
    return 1


def _mark(notices: list[StatusNotice], state: str) -> None:
    StatusNotice.objects.filter(pk__in=[n.pk for n in notices]).update(
        state=state, handled_at=timezone.now()
    )


def _digest_for(user, notices: list[StatusNotice], connection) -> bool:
    followed = set(DossierFollow.objects.filter(user=user).values_list("dossier_id", flat=True))
    kept = [n for n in notices if _still_told(user, n.entry, followed)]
    with transaction.atomic():
        _mark([n for n in notices if n not in kept], StatusNotice.State.DROPPED)
        if not kept:
            return False
        _mark(kept, StatusNotice.State.SENT)
        news = sorted(
            (_news(n.entry) for n in kept), key=lambda one: (one["dossier_title"], one["date"])
        )
        count = len(news)
        subject = (
            f"Dossiers suivis : {count} préconisations ont changé d'état"
            if count > 1
            else "Dossiers suivis : une préconisation a changé d'état"
        )
        build_message(
            user, subject, "followup_digest", {"news": news, "count": count}, connection
        ).send()
    return True


def send_status_digests() -> int:
    """One digest per person of the status changes that waited; returns how many were sent."""
    pending = (
        StatusNotice.objects.filter(
            state=StatusNotice.State.PENDING, delivery=StatusNotice.Delivery.DIGEST
        )
        .select_related(
            "user",
            "user__notification_preference",
            "entry__item__contribution",
            "entry__item__dossier",
        )
        .order_by("user_id", "created_at")
    )
    connection = get_connection()
    return digests_per_person(
        pending,
        lambda user, notices: _digest_for(user, notices, connection),
        "Résumé des changements d'état non envoyé à %s",
    )
