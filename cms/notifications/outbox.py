"""E-mail leaves after the commit, through the task queue, and is retried: never in the way.

``OutboxBackend`` is the site's ``EMAIL_BACKEND``: every message the site sends (its own,
Django's password reset, Wagtail's workflow mails) is written to ``OutgoingEmail`` in the
transaction of the work that caused it, and handed to ``deliver_outgoing_emails`` once
that transaction commits. The task sends through ``EMAIL_DELIVERY_BACKEND`` (SMTP in
production) with ``EMAIL_TIMEOUT``; a message the server refuses or cannot take waits
for ``manage.py send_queued_emails`` (a timer every few minutes), with growing delays,
and is given up after ``MAX_ATTEMPTS``. A mail server that is down never turns a done
piece of work into an error page, and a visitor who retries creates no duplicate.
"""

from __future__ import annotations

import base64
import datetime
import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cms.notifications.models import OutgoingEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
RETRY_MINUTES = (1, 5, 15, 60, 180, 360, 720)


def to_data(message: EmailMessage) -> dict:
    """A message as JSON: what is needed to build it again in another process."""
    attachments = []
    for attachment in message.attachments:
        filename, content, mimetype = attachment
        if isinstance(content, str):
            content = content.encode()
        attachments.append([filename, base64.b64encode(bytes(content)).decode("ascii"), mimetype])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {str(k): str(v) for k, v in (message.extra_headers or {}).items()},
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
        "content_subtype": message.content_subtype,
    }


def from_data(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
        alternatives=[tuple(alternative) for alternative in data["alternatives"]],
    )
    message.content_subtype = data.get("content_subtype", "plain")
    for filename, content, mimetype in data["attachments"]:
        message.attach(filename, base64.b64decode(content), mimetype)
    return message


class OutboxBackend(BaseEmailBackend):
    """Write messages to the outbox; they leave once the current transaction commits."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        rows = [
            OutgoingEmail(
                message=to_data(message),
                recipients=", ".join(message.recipients())[:2000],
                subject=str(message.subject)[:255],
            )
            for message in email_messages
            if message.recipients()
        ]
        if not rows:
            return 0
        OutgoingEmail.objects.bulk_create(rows)
        ids = [row.pk for row in rows] if all(row.pk for row in rows) else None
        transaction.on_commit(lambda: _enqueue(ids))
        return len(rows)


def _enqueue(ids: list[int] | None) -> None:
    from cms.notifications.tasks import deliver_outgoing_emails

    try:
        deliver_outgoing_emails.enqueue(ids)
    except Exception:  # the timer sends them later: a queue problem must not fail the page
        logger.exception("Courriels non confiés à la file de tâches : %s", ids)


def _retry_delay(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=RETRY_MINUTES[min(attempts, len(RETRY_MINUTES)) - 1])


def due(ids: Iterable[int] | None = None):
    """Messages to send now: not sent, not given up, and past their next attempt."""
    now = timezone.now()
    rows = OutgoingEmail.objects.filter(sent_at__isnull=True, gave_up_at__isnull=True).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows


def deliver(ids: Iterable[int] | None = None) -> tuple[int, int]:
    """Send what is due; returns (sent, still waiting)."""
    sent = failed = 0
    connection = get_connection(
        settings.EMAIL_DELIVERY_BACKEND, timeout=settings.EMAIL_TIMEOUT, fail_silently=False
    )
    for row in due(ids):
        try:
            connection.send_messages([from_data(row.message)])
        except Exception as error:  # noqa: BLE001 - SMTP, socket, DNS: all mean « try later »
            failed += 1
            _postpone(row, error)
            continue
        row.sent_at = timezone.now()
        row.save(update_fields=["sent_at"])
        sent += 1
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - closing a broken connection may fail too
        pass
    return sent, failed


def _postpone(row: OutgoingEmail, error: BaseException) -> None:
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:500]
    if row.attempts >= MAX_ATTEMPTS:
        row.gave_up_at = timezone.now()
        logger.error("Courriel %s abandonné après %s essais : %s", row.pk, row.attempts, error)
    else:
        row.next_attempt_at = timezone.now() + _retry_delay(row.attempts)
        logger.warning("Courriel %s non envoyé (essai %s) : %s", row.pk, row.attempts, error)
    row.save(update_fields=["attempts", "last_error", "gave_up_at", "next_attempt_at"])
