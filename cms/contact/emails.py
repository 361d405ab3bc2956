"""The two e-mails of the contact page: the message to the coordination, the answer.

The coordination's copy carries the message and a link to it in the admin, nothing
more: the sender's name, account and address stay in the site, where only coordination
reads them, instead of resting on every mail server on the way.
"""

from __future__ import annotations

from django.core.mail import EmailMessage, send_mass_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from cms.contact.models import ContactMessage, ContactSettings
from members.adhesion.emails import coordination_emails
from shared.links import absolute_url

ADMIN_URL_NAME = "messages_coordination:inspect"


def coordination_address(request: HttpRequest) -> str:
    """The address set in the admin (Paramètres › Contact de la coordination), or ''."""
    return ContactSettings.for_request(request).coordination_email.strip()


def recipients(request: HttpRequest) -> list[str]:
    """The coordination's address, or without one every active coordination account."""
    address = coordination_address(request)
    return [address] if address else coordination_emails()


def admin_url(message: ContactMessage) -> str:
    return absolute_url(reverse(ADMIN_URL_NAME, args=[message.pk]))


def notify_coordination(message: ContactMessage, request: HttpRequest) -> None:
    subject = f"Message sur l'intranet : {message.subject}"
    body = render_to_string(
        "contact/emails/received.txt", {"contact": message, "admin_url": admin_url(message)}
    )
    # One e-mail per address: coordinators do not see each other's addresses.
    send_mass_mail([(subject, body, None, [address]) for address in recipients(request)])


def send_answer(message: ContactMessage, request: HttpRequest) -> None:
    """The answer to the reply address; a reply to it goes to the coordination's address."""
    address = coordination_address(request)
    EmailMessage(
        subject=f"Réponse de la coordination : {message.subject}",
        body=render_to_string("contact/emails/answer.txt", {"contact": message}),
        to=[message.reply_email],
        reply_to=[address] if address else None,
    ).send()
