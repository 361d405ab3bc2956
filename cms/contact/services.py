"""What happens to a message: kept, sent on to the coordination, read, answered."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from wagtail.log_actions import log

from cms.contact import emails
from cms.contact.forms import ContactForm
from cms.contact.models import ContactMessage

ANSWERED = "contact.answered"


class AlreadyAnswered(Exception):
    pass


class NoReplyAddress(Exception):
    pass


@transaction.atomic
def receive(form: ContactForm, request: HttpRequest) -> ContactMessage:
    """Keep the message; its e-mail to the coordination leaves once this commits (outbox)."""
    message = form.save(commit=False)
    if request.user.is_authenticated:
        message.sender = request.user
    if message.reply_email:
        message.consent_at = timezone.now()
    message.save()
    emails.notify_coordination(message, request)
    return message


def mark_read(message: ContactMessage) -> None:
    """The first time coordination opens an unread message."""
    if message.status == ContactMessage.Status.UNREAD:
        message.status = ContactMessage.Status.READ
        message.read_at = timezone.now()
        message.save(update_fields=["status", "read_at"])


@transaction.atomic
def answer(message: ContactMessage, text: str, request: HttpRequest) -> ContactMessage:
    """Send the answer, and record who answered and when (also in Wagtail's audit log)."""
    # Locked: two coordinators answering at once send one answer, not two.
    message = ContactMessage.objects.select_for_update().get(pk=message.pk)
    if message.status == ContactMessage.Status.ANSWERED:
        raise AlreadyAnswered
    if not message.reply_email:
        raise NoReplyAddress
    now = timezone.now()
    message.answer = text
    message.answered_at = now
    # The admin view let only a signed-in coordinator through.
    assert request.user.is_authenticated
    message.answered_by = request.user
    message.read_at = message.read_at or now
    message.status = ContactMessage.Status.ANSWERED
    message.save()
    emails.send_answer(message, request)
    log(instance=message, action=ANSWERED, user=request.user)
    return message
