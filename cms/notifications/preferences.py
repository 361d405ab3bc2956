"""Following dossiers and choosing how to hear about them."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cms.dossiers.pages import DossierPage
from cms.notifications.models import (
    ContributionNotice,
    DossierFollow,
    Frequency,
    NotificationPreference,
)


def preference_for(user) -> NotificationPreference:
    return NotificationPreference.objects.get_or_create(user=user)[0]


def is_following(user, dossier: DossierPage) -> bool:
    if not user.is_authenticated:
        return False
    return DossierFollow.objects.filter(user=user, dossier=dossier).exists()


def follow(user, dossier: DossierPage) -> bool:
    """Start following; False when the person already followed it."""
    return DossierFollow.objects.get_or_create(user=user, dossier=dossier)[1]


def unfollow(user, dossier: DossierPage) -> bool:
    """Stop following; False when the person did not follow it."""
    deleted, _ = DossierFollow.objects.filter(user=user, dossier=dossier).delete()
    return bool(deleted)


@transaction.atomic
def set_frequency(user, frequency: str) -> NotificationPreference:
    """Store the choice; choosing "no e-mail" also forgets what waited for the digest."""
    preference = preference_for(user)
    preference.frequency = Frequency(frequency)
    preference.save(update_fields=["frequency"])
    if preference.frequency == Frequency.NONE:
        drop_pending_notices(user)
    return preference


def drop_pending_notices(user) -> int:
    return ContributionNotice.objects.filter(
        user=user, status=ContributionNotice.Status.PENDING
    ).update(status=ContributionNotice.Status.DROPPED, handled_at=timezone.now())
