"""Throttling of password reset requests, per address asked for and per client address.

Every request counts, whether or not an account has the address, so that the answer
(sent, or "too many requests") never tells whether the address is known. Counters live
in the default cache for ``PASSWORD_RESET_WINDOW`` from their first request.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.security.lockout import client_ip


def _count(key: str, window: int) -> tuple[int, float]:
    """Add one to a counter; return its value and when it ends (a UNIX time)."""
    ends_key = f"{key}:ends"
    if cache.add(key, 0, window):
        cache.set(ends_key, time.time() + window, window)
    try:
        count = cache.incr(key)
    except ValueError:  # It expired between add() and incr().
        cache.set(key, 1, window)
        cache.set(ends_key, time.time() + window, window)
        count = 1
    return count, cache.get(ends_key) or time.time() + window


def password_reset_refused_until(email: str, ip_address: str | None) -> datetime | None:
    """Count one reset request; when refused, the time when requests are accepted again."""
    window = int(settings.PASSWORD_RESET_WINDOW.total_seconds())
    # A digest, so that the cache holds no e-mail address.
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    counters = [
        (f"password-reset:email:{digest}", settings.PASSWORD_RESET_LIMIT_PER_ADDRESS),
        (f"password-reset:ip:{ip_address or 'unknown'}", settings.PASSWORD_RESET_LIMIT_PER_IP),
    ]
    return refused_until(counters, window)


def refused_until(counters: Iterable[tuple[str, int]], window: int) -> datetime | None:
    """Count one request on each (cache key, limit); when one is over its limit, the time
    when requests are accepted again. The public forms' throttles share it."""
    ends_at = None
    for key, limit in counters:
        count, ends = _count(key, window)
        if count > limit:
            ends_at = max(ends_at or ends, ends)
    if ends_at is None:
        return None
    return timezone.localtime(datetime.fromtimestamp(ends_at, tz=UTC))


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's password reset view, refusing requests beyond the limits with a French
    message that says when to try again."""

    def form_valid(self, form) -> HttpResponse:
        refused_until = password_reset_refused_until(
            form.cleaned_data["email"], client_ip(self.request)
        )
        if refused_until is None:
            return super().form_valid(form)
        form.add_error(
            None,
            _(
                "Trop de demandes de nouveau mot de passe ont été faites. "
                "Réessayez après %(time)s. Si vous avez déjà reçu un lien, il reste valable."
            )
            % {"time": refused_until.strftime("%H h %M")},
        )
        return self.render_to_response(self.get_context_data(form=form), status=429)
