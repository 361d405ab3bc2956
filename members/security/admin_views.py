"""The admin screen of current login lockouts, where coordination lifts them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.db.models import Max, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from members.admin_screens import RestrictedAdminScreen
from members.security.roles import is_coordination_or_admin

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lockout:
    """One full counter: an account from an address, or an address for every account."""

    ip_address: str | None
    username: str | None
    failures: int
    until: datetime

    @property
    def kind(self) -> str:
        return "address" if self.username is None else "account"


def current_lockouts() -> list[Lockout]:
    """Every counter that is full now, accounts first, the most recent first."""
    cool_off = get_cool_off()
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)
    lockouts = []
    groups = [
        (["username", "ip_address"], settings.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS),
        (["ip_address"], settings.LOGIN_FAILURES_PER_ADDRESS),
    ]
    for fields, limit in groups:
        rows = (
            recent.values(*fields)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit)
            .order_by("-last")
        )
        lockouts += [
            Lockout(
                ip_address=row["ip_address"],
                username=row.get("username"),
                failures=row["failures"],
                until=timezone.localtime(row["last"] + cool_off),
            )
            for row in rows
        ]
    return lockouts


class LockoutsView(RestrictedAdminScreen):
    template_name = "members_security/lockouts.html"
    page_title = "Connexions suspendues"
    header_icon = "lock"

    def may_open(self, user) -> bool:
        return is_coordination_or_admin(user)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["lockouts"] = current_lockouts()
        context["cool_off_minutes"] = int(get_cool_off().total_seconds() // 60)
        context["per_account"] = settings.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS
        context["per_address"] = settings.LOGIN_FAILURES_PER_ADDRESS
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        ip_address = request.POST.get("ip_address") or None
        username = request.POST.get("username")
        attempts = AccessAttempt.objects.filter(ip_address=ip_address)
        if request.POST.get("kind") == "account":
            # An empty login field is kept as NULL or as "", depending on the form.
            same_login = Q(username=username)
            if not username:
                same_login |= Q(username__isnull=True)
            attempts = attempts.filter(same_login)
            done = f"La connexion du compte « {username} » depuis {ip_address} est rétablie."
        else:
            done = f"Les connexions depuis l’adresse {ip_address} sont rétablies."
        count, _ = attempts.delete()
        # Who lifted which lockout: the server's log keeps it.
        logger.warning(
            "Login lockout lifted by %s: username=%r ip=%r (%d records)",
            request.user.get_username(),
            username,
            ip_address,
            count,
        )
        if count:
            messages.success(request, done)
        else:
            messages.info(request, "Cette suspension avait déjà pris fin.")
        return redirect("members_security_lockouts")
