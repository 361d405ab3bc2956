"""The two secrets of this feature: unsubscribe links and private feed addresses.

An unsubscribe link is signed (``django.core.signing``), so it works without logging in
and cannot be forged for someone else. A private feed address is a random token that its
owner can replace at any time, which revokes the old address.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.contrib.auth import get_user_model
from django.core import signing
from django.utils import timezone

from cms.notifications.models import NotificationPreference
from cms.notifications.preferences import preference_for

UNSUBSCRIBE_SALT = "cms.notifications.unsubscribe"


def unsubscribe_token(user) -> str:
    return signing.dumps({"user": user.pk}, salt=UNSUBSCRIBE_SALT)


def user_from_unsubscribe_token(token: str):
    """The person the link was made for, or None for a tampered or unknown link."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    user_id = data.get("user") if isinstance(data, dict) else None
    if not isinstance(user_id, int):
        return None
    return get_user_model().objects.filter(pk=user_id).first()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def regenerate_feed_token(user) -> str:
    """A new private feed address; the previous one stops working at once."""
    preference = preference_for(user)
    token = secrets.token_urlsafe(32)
    preference.feed_token = token
    preference.feed_token_digest = _digest(token)
    preference.feed_token_created_at = timezone.now()
    preference.save(update_fields=["feed_token", "feed_token_digest", "feed_token_created_at"])
    return token


def owner_of_feed_token(token: str):
    """The active person whose private feed this is, or None."""
    if not token or len(token) > 64:
        return None
    preference = (
        NotificationPreference.objects.select_related("user")
        .filter(feed_token_digest=_digest(token), user__is_active=True)
        .first()
    )
    if preference is None or not hmac.compare_digest(preference.feed_token, token):
        return None
    return preference.user
