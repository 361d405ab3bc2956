"""Messages sent to the coordination from the contact page, and where they are sent.

A message is personal data (its text, a reply address, the sender's account): only the
coordination reads it in the admin (wagtail_hooks.py), and ``delete_old_messages``
forgets it ``CONTACT_MESSAGES_KEPT_FOR`` after it was received (run daily by
``manage.py anonymise_former_members``).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

if TYPE_CHECKING:  # django-stubs is a development dependency only
    from django_stubs_ext import StrOrPromise

SUBJECT_MAX_LENGTH = 150
MESSAGE_MAX_LENGTH = 5000
ANSWER_MAX_LENGTH = 10000


@register_setting(icon="mail")
class ContactSettings(BaseSiteSetting):
    """The coordination's address, to which each message of the contact page is sent."""

    # Annotated: on a subclass of an untyped Wagtail class, django-stubs infers nothing.
    coordination_email: models.EmailField[str, str] = models.EmailField(
        _("adresse de la coordination"),
        blank=True,
        help_text=_(
            "Chaque message écrit sur la page « Écrire à la coordination » est envoyé à "
            "cette adresse, avec un lien pour le lire et y répondre ici, dans "
            "l'administration. Une adresse partagée (par exemple contact@…) évite qu'un "
            "message attende une personne absente. Laissée vide : les messages sont envoyés "
            "aux comptes actifs de la coordination."
        ),
    )

    panels = [FieldPanel("coordination_email")]

    class Meta:
        verbose_name = _("contact de la coordination")
        verbose_name_plural = _("contact de la coordination")


def _account(
    verbose_name: StrOrPromise, related_name: str
) -> models.ForeignKey[User | None, User | None]:
    """An account the message names; the message outlives a deleted account."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
    )


class ContactMessage(models.Model):
    class Status(models.TextChoices):
        UNREAD = "unread", _("Non lu")
        READ = "read", _("Lu")
        ANSWERED = "answered", _("Répondu")

    subject = models.CharField(_("objet"), max_length=SUBJECT_MAX_LENGTH)
    message = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH)
    reply_email = models.EmailField(_("adresse de réponse"), blank=True)
    consent_at = models.DateTimeField(
        _("accord pour garder l'adresse"),
        null=True,
        blank=True,
        help_text=_("Quand la personne a accepté que son adresse soit gardée pour lui répondre."),
    )
    sender = _account(_("compte de l'expéditeur"), related_name="contact_messages")
    created_at = models.DateTimeField(_("reçu le"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.UNREAD, db_index=True
    )
    read_at = models.DateTimeField(_("lu le"), null=True, blank=True)
    answer = models.TextField(_("réponse"), blank=True, max_length=ANSWER_MAX_LENGTH)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    answered_by = _account(_("répondu par"), related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message à la coordination")
        verbose_name_plural = _("messages à la coordination")

    def __str__(self) -> str:
        return self.subject

    @admin.display(description=_("expéditeur"))
    def sender_label(self) -> str:
        """Who wrote, as the listing shows it: a member's name, or that nobody signed in."""
        if self.sender is None:
            return str(_("Personne non connectée"))
        return self.sender.get_full_name() or self.sender.get_username()

    @property
    def can_be_answered(self) -> bool:
        return bool(self.reply_email) and self.status != self.Status.ANSWERED


def messages_to_delete(now: datetime.datetime | None = None) -> models.QuerySet[ContactMessage]:
    """Messages received longer ago than ``CONTACT_MESSAGES_KEPT_FOR``, answered or not."""
    limit = (now or timezone.now()) - settings.CONTACT_MESSAGES_KEPT_FOR
    return ContactMessage.objects.filter(created_at__lt=limit)


def delete_old_messages(now: datetime.datetime | None = None) -> int:
    return messages_to_delete(now).delete()[0]
