"""Authentication backends of the test settings."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class RequestlessLoginBackend(AxesStandaloneBackend):
    """Axes' backend, also for Django's ``Client.login``, which authenticates without a
    request: it gets a bare one, so lockouts still apply and every login through a view
    is checked exactly as in production."""

    def authenticate(self, request: HttpRequest | None, *args, **kwargs):
        return super().authenticate(
            request if request is not None else HttpRequest(), *args, **kwargs
        )
