"""How many messages one client may send: the limits of the other public forms' kind.

Anonymous senders are counted by client address, signed-in members by account (a shared
office connection must not block a whole team). Only valid messages count.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest

from members.security.lockout import client_ip
from members.security.throttle import refused_until


def contact_refused_until(request: HttpRequest) -> datetime | None:
    """Count one message; when it is over the limit, the time when messages are taken again."""
    if request.user.is_authenticated:
        counter = (f"contact:account:{request.user.pk}", settings.CONTACT_LIMIT_PER_ACCOUNT)
    else:
        counter = (f"contact:ip:{client_ip(request) or 'unknown'}", settings.CONTACT_LIMIT_PER_IP)
    return refused_until([counter], int(settings.CONTACT_WINDOW.total_seconds()))
