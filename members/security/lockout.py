"""Login throttling with django-axes: who is locked out, for how long, and what they read.

Two counters, each over the last ``AXES_COOLOFF_TIME``: failures for one account from one
address (``LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS``), and failures from one address
whatever the account (``LOGIN_FAILURES_PER_ADDRESS``, higher, so that a shared office
connection is not locked by one person's typos but a password sprayer is). Axes knows a
single limit, so the handler expresses each counter on the scale of that limit.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

if TYPE_CHECKING:

    class AxesRequest(HttpRequest):
        """A request as axes hands it to its handler: its middleware has set these."""

        axes_ip_address: str
        axes_user_agent: str


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the proxy's last X-Forwarded-For entry behind a proxy.

    Only the entry the trusted proxy appended is believed: the ones before it are
    whatever the client chose to send.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
        if entries:
            return entries[-1]
    return request.META.get("REMOTE_ADDR")


def limit_of(parameters: dict) -> int:
    """The failure limit of one counter, by the request fields it counts on."""
    if set(parameters) == {"ip_address"}:
        return settings.LOGIN_FAILURES_PER_ADDRESS
    return settings.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with one limit per counter instead of one for all."""

    def get_failures(self, request: AxesRequest, credentials: dict | None = None) -> int:
        from axes.helpers import get_client_parameters, get_client_username

        parameters = get_client_parameters(
            get_client_username(request, credentials),
            request.axes_ip_address,
            request.axes_user_agent,
            request,
            credentials,
        )
        base = settings.AXES_FAILURE_LIMIT
        scaled = 0
        for attempts, counted_on in zip(
            self.get_user_attempts(request, credentials), parameters, strict=True
        ):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            # Floor, so that a counter reaches ``base`` exactly when it reaches its own limit.
            scaled = max(scaled, failures * base // limit_of(counted_on))
        return scaled


def retry_time(request: HttpRequest | None = None) -> datetime:
    """When a lockout that starts now ends: each refused attempt starts the wait again."""
    return timezone.localtime(timezone.now() + get_cool_off(request))


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The French page shown instead of the login form once a counter is full."""
    cool_off = get_cool_off(request)
    return render(
        request,
        "registration/lockout.html",
        {
            "retry_at": retry_time(request),
            "cool_off_minutes": int(cool_off.total_seconds() // 60),
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
