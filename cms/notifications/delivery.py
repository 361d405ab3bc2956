"""Who is told about a new contribution, and when: at once, or in the weekly digest.

Every decision goes through ``cms.access.can_view_page`` for the person being told, at
the moment of sending: a contribution restricted in between is not sent.
"""

from __future__ import annotations

import logging
from itertools import groupby
from smtplib import SMTPException

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


def _followers(dossier: DossierPage) -> list:
    follows = DossierFollow.objects.filter(dossier=dossier).select_related(
        "user", "user__notification_preference"
    )
    return [follow.user for follow in follows.order_by("pk")]


def notify_followers(contribution_id: int) -> int:
    """Tell the followers of a new contribution's dossier; returns the e-mails sent."""
    contribution = ContributionPage.objects.live().filter(pk=contribution_id).first()
    dossier = dossier_of(contribution) if contribution else None
    if dossier is None:
        return 0
    news = ContributionNews.of(contribution, dossier)
    sent = 0
    connection = get_connection()
    for user in _followers(dossier):
        if not may_receive(user) or not can_view_page(user, contribution):
            continue
        immediate = frequency_of(user) == Frequency.IMMEDIATE
        notice, created = Notice.objects.get_or_create(
            user=user,
            contribution=contribution,
            defaults={
                "delivery": Notice.Delivery.IMMEDIATE if immediate else Notice.Delivery.DIGEST
            },
        )
        if created and immediate:
            sent += _send_now(user, notice, news, connection)
    return sent


def _send_now(user, notice: ContributionNotice, news: ContributionNews, connection) -> int:
    try:
        send_contribution_email(user, news, connection)
    except (SMTPException, OSError):
        # The mail server failed: the contribution waits for the weekly digest instead.
        logger.exception("Courriel de suivi non envoyé à l'utilisateur %s", user.pk)
        notice.delivery = Notice.Delivery.DIGEST
        notice.save(update_fields=["delivery"])
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
    sent = 0
    for _user_id, user_notices in groupby(notices, key=lambda notice: notice.user_id):
        group = list(user_notices)
        # One user object per person, so the access rule is computed once for them.
        user = group[0].user
        try:
            sent += _digest_for(user, group, dossiers, connection, now)
        except (SMTPException, OSError):
            # Nothing was marked for this person: their digest is tried again next time.
            logger.exception("Résumé de suivi non envoyé à l'utilisateur %s", user.pk)
    return sent
