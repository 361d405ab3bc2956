"""Who is told about a new contribution, and when: at once, or in the weekly digest.

Every decision goes through ``cms.access.can_view_page`` for the person being told, at
the moment of sending: a contribution restricted in between is not sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from itertools import groupby
from smtplib import SMTPException
from typing import Any

from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from cms.access import can_view_page
from cms.dossiers.pages import ContributionPage, DossierPage
from cms.notifications.emails import ContributionNews, send_contribution_email, send_digest_email
from cms.notifications.models import (
    ContributionNotice,
    DossierFollow,
    Frequency,
    NotificationPreference,
)

logger = logging.getLogger(__name__)

Notice = ContributionNotice


def is_first_publication(page: Page) -> bool:
    """Wagtail stamps both dates with the same instant only when a page first goes live."""
    return bool(
        page.live
        and page.first_published_at is not None
        and page.first_published_at == page.last_published_at
    )


def frequency_of(user) -> str:
    try:
        return user.notification_preference.frequency
    except NotificationPreference.DoesNotExist:
        return Frequency.IMMEDIATE


def may_receive(user) -> bool:
    return bool(user.is_active and user.email and frequency_of(user) != Frequency.NONE)


def _parent_path(page: Page) -> str:
    return page.path[: -Page.steplen]


def dossier_of(contribution: ContributionPage) -> DossierPage | None:
    return DossierPage.objects.filter(path=_parent_path(contribution)).first()


def _followers(dossier_id: int) -> list:
    follows = DossierFollow.objects.filter(dossier_id=dossier_id).select_related(
        "user", "user__notification_preference"
    )
    return [follow.user for follow in follows.order_by("pk")]


def tell_followers(
    dossier_id: int,
    may_see: Callable[[Any], bool],
    record: Callable[[Any, str], tuple[Any, bool]],
    send_now: Callable[[Any, Any], int],
) -> int:
    """Tell a dossier's followers of one piece of news, each by their own preference.

    ``record(user, delivery)`` gets or creates the person's notice (so nobody is told
    twice), ``send_now(user, notice)`` sends the immediate e-mail and returns 1 when it
    went; returns the e-mails sent. Whether the person may see the news is asked first.
    """
    sent = 0
    for user in _followers(dossier_id):
        if not may_receive(user) or not may_see(user):
            continue
        immediate = frequency_of(user) == Frequency.IMMEDIATE
        delivery = ContributionNotice.Delivery
        notice, created = record(user, delivery.IMMEDIATE if immediate else delivery.DIGEST)
        if created and immediate:
            sent += send_now(user, notice)
    return sent


def sent_or_deferred(notice: Any, send: Callable[[], object], failure: str) -> bool:
    """Send an immediate e-mail; if the mail server fails, the notice waits for the digest."""
    try:
        send()
    except (SMTPException, OSError):
        logger.exception(failure, notice.user_id)
        notice.delivery = ContributionNotice.Delivery.DIGEST
        notice.save(update_fields=["delivery"])
        return False
    return True


def digests_per_person(
    notices: Iterable[Any], send_digest: Callable[[Any, list], bool], failure: str
) -> int:
    """One digest per person (notices ordered by person); returns how many were sent.

    A failure of the mail server leaves that person's notices pending for next time.
    """
    sent = 0
    for _user_id, group in groupby(notices, key=lambda notice: notice.user_id):
        person_notices = list(group)
        # One user object per person, so the access rule is computed once for them.
        user = person_notices[0].user
        try:
            sent += send_digest(user, person_notices)
        except (SMTPException, OSError):
            logger.exception(failure, user.pk)
    return sent


def notify_followers(contribution_id: int) -> int:
    """Tell the followers of a new contribution's dossier; returns the e-mails sent."""
    contribution = ContributionPage.objects.live().filter(pk=contribution_id).first()
    dossier = dossier_of(contribution) if contribution else None
    if dossier is None:
        return 0
    news = ContributionNews.of(contribution, dossier)
    connection = get_connection()

    def record(user, delivery: str):
        return Notice.objects.get_or_create(
            user=user, contribution=contribution, defaults={"delivery": delivery}
        )

    return tell_followers(
        dossier.pk,
        may_see=lambda user: can_view_page(user, contribution),
        record=record,
        send_now=lambda user, notice: _send_now(user, notice, news, connection),
    )


def _send_now(user, notice: ContributionNotice, news: ContributionNews, connection) -> int:
    if not sent_or_deferred(
        notice,
        lambda: send_contribution_email(user, news, connection),
        "Courriel de suivi non envoyé à l'utilisateur %s",
    ):
        return 0
    notice.status = Notice.Status.SENT
    notice.handled_at = timezone.now()
    notice.save(update_fields=["status", "handled_at"])
    return 1


def _dossiers_by_path(notices: list[ContributionNotice]) -> dict[str, DossierPage]:
    paths = {_parent_path(notice.contribution) for notice in notices}
    return {dossier.path: dossier for dossier in DossierPage.objects.filter(path__in=paths)}


def _mark(notices: list[ContributionNotice], status: str, now) -> None:
    Notice.objects.filter(pk__in=[notice.pk for notice in notices]).update(
        status=status, handled_at=now
    )


def _digest_for(user, notices: list[ContributionNotice], dossiers: dict, connection, now) -> bool:
    """Send one person's digest of what they still follow and may see; drop the rest."""
    followed = set(DossierFollow.objects.filter(user=user).values_list("dossier_id", flat=True))
    kept: list[ContributionNotice] = []
    dropped: list[ContributionNotice] = []
    for notice in notices:
        contribution = notice.contribution
        dossier = dossiers.get(_parent_path(contribution))
        wanted = dossier is not None and dossier.pk in followed and may_receive(user)
        visible = contribution.live and can_view_page(user, contribution)
        (kept if wanted and visible else dropped).append(notice)
    with transaction.atomic():
        _mark(dropped, Notice.Status.DROPPED, now)
        if not kept:
            return False
        news = [
            ContributionNews.of(n.contribution, dossiers[_parent_path(n.contribution)])
            for n in kept
        ]
        news.sort(key=lambda item: (item.dossier_title, item.date, item.title))
        _mark(kept, Notice.Status.SENT, now)
        NotificationPreference.objects.update_or_create(user=user, defaults={"last_digest_at": now})
        send_digest_email(user, news, connection)
    return True


def send_digests() -> int:
    """One digest per person with what waited since their last one; returns how many."""
    pending = (
        Notice.objects.filter(status=Notice.Status.PENDING, delivery=Notice.Delivery.DIGEST)
        .select_related("user", "user__notification_preference", "contribution")
        .order_by("user_id", "created_at")
    )
    notices = list(pending)
    dossiers = _dossiers_by_path(notices)
    now = timezone.now()
    connection = get_connection()
    return digests_per_person(
        notices,
        lambda user, group: _digest_for(user, group, dossiers, connection, now),
        "Résumé de suivi non envoyé à l'utilisateur %s",
    )
