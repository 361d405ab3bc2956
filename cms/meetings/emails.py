"""The e-mails of meeting registration, written from cms/meetings/templates/meetings/emails/."""

from __future__ import annotations

from django.core.mail import send_mail
from django.template.loader import render_to_string

from shared.links import absolute_url


def event_url(event) -> str:
    """The meeting's address, absolute: e-mails are read outside the site."""
    return absolute_url(event.get_url() or "")


def send_promotion(registration, event) -> None:
    """Tell a person from the waiting list that a place was freed for them."""
    user = registration.user
    if not user.email:
        return
    context = {
        "event": event,
        "user": user,
        "event_url": event_url(event),
        "registrations_url": absolute_url("/inscriptions/"),
    }
    subject = render_to_string("meetings/emails/promoted_subject.txt", context)
    send_mail(
        " ".join(subject.split()),
        render_to_string("meetings/emails/promoted.txt", context),
        None,
        [user.email],
    )
