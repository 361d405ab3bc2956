"""Two-factor authentication (django-otp): who must use it, and the middleware enforcing it.

After the password, on ``/connexion/`` as on ``/admin/login/``, anyone with a confirmed TOTP
device is sent to the verification step before any other page; coordination members and
platform administrators without one are sent to set one up first. Until then they can
reach nothing else (neither the admin nor restricted pages), so no page ever treats them as
coordination on the strength of a password alone.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from members.security.roles import is_coordination_or_admin

NONE, VERIFY, SETUP = "none", "verify", "setup"
# How long a user's state is remembered: a member promoted to coordination is asked to
# set up a device within this delay, without a query on each of their requests.
STATE_TIMEOUT = 60


def has_two_factor(user) -> bool:
    """Whether the user has a confirmed authenticator app (recovery codes come with it)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def session_verified(user) -> bool:
    """Whether this session gave a second factor (always False for an anonymous visitor)."""
    # django-otp's middleware gives request.user an is_verified() the stubs do not know.
    return user.is_authenticated and user.is_verified()


def requires_two_factor(user) -> bool:
    """Coordination and platform administrators must use two-factor authentication."""
    return is_coordination_or_admin(user)


def _state_key(user) -> str:
    return f"two-factor-state:{user.pk}"


def two_factor_state(user) -> str:
    """What an authenticated user who has not given a code yet must do next."""
    key = _state_key(user)
    state = cache.get(key)
    if state is None:
        if has_two_factor(user):
            state = VERIFY
        elif requires_two_factor(user):
            state = SETUP
        else:
            state = NONE
        cache.set(key, state, STATE_TIMEOUT)
    return state


def forget_state(user) -> None:
    """To call when the user's devices change."""
    cache.delete(_state_key(user))


def with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class TwoFactorMiddleware:
    """Sends authenticated users who owe a code (or a device) to the page that takes it.

    ``TWO_FACTOR_ENFORCED`` is on in production; the test settings turn it off so that
    tests using ``force_login`` keep working, and the tests of this module turn it on.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.redirect_if_owed(request) or self.get_response(request)

    def redirect_if_owed(self, request: HttpRequest) -> HttpResponse | None:
        if not settings.TWO_FACTOR_ENFORCED:
            return None
        user = request.user
        if not user.is_authenticated or session_verified(user):
            return None
        path = request.path_info
        if path.startswith(settings.STATIC_URL):
            return None
        state = two_factor_state(user)
        if state == NONE:
            return None
        target = reverse("two_factor_verify" if state == VERIFY else "two_factor_setup")
        if path in {target, reverse("logout"), reverse("wagtailadmin_logout")}:
            return None
        next_url = request.get_full_path() if request.method == "GET" else ""
        return HttpResponseRedirect(with_next(target, next_url))
