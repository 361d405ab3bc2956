"""Who follows which dossier, how they want to hear about it, and what was sent to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    IMMEDIATE = "immediat", _("Un courriel à chaque nouvelle contribution")
    WEEKLY = "hebdomadaire", _("Un résumé par semaine")
    NONE = "aucun", _("Aucun courriel")


class NotificationPreference(models.Model):
    """One per person: how they hear about followed dossiers, and their private feed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("personne"),
    )
    frequency = models.CharField(
        _("courriels"), max_length=20, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    last_digest_at = models.DateTimeField(_("dernier résumé envoyé le"), null=True, blank=True)
    # The feed URL is shown again to its owner on /suivi/, so the token itself is kept;
    # requests are looked up by its digest, so the database never compares the secret.
    feed_token = models.CharField(_("jeton du flux privé"), max_length=64, blank=True)
    feed_token_digest = models.CharField(
        _("empreinte du jeton"), max_length=64, blank=True, db_index=True
    )
    feed_token_created_at = models.DateTimeField(_("flux privé créé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("préférence de suivi")
        verbose_name_plural = _("préférences de suivi")

    def __str__(self) -> str:
        return f"{self.user} : {self.get_frequency_display()}"


class DossierFollow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="dossier_follows",
        verbose_name=_("personne"),
    )
    dossier = models.ForeignKey(
        "cms.DossierPage",
        on_delete=models.CASCADE,
        related_name="follows",
        verbose_name=_("dossier"),
    )
    created_at = models.DateTimeField(_("suivi depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("dossier suivi")
        verbose_name_plural = _("dossiers suivis")
        constraints = [
            models.UniqueConstraint(fields=["user", "dossier"], name="notifications_follow_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} suit {self.dossier}"


class ContributionNotice(models.Model):
    """One person told (or to be told) about one contribution: never twice."""

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediat", _("Courriel immédiat")
        DIGEST = "resume", _("Résumé hebdomadaire")

    class Status(models.TextChoices):
        PENDING = "en_attente", _("En attente du résumé")
        SENT = "envoye", _("Envoyé")
        DROPPED = "abandonne", _("Abandonné")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contribution_notices",
        verbose_name=_("personne"),
    )
    contribution = models.ForeignKey(
        "cms.ContributionPage",
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("contribution"),
    )
    delivery = models.CharField(_("envoi"), max_length=20, choices=Delivery.choices)
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    handled_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        verbose_name = _("avis de contribution")
        verbose_name_plural = _("avis de contribution")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "contribution"], name="notifications_notice_once"
            )
        ]
        indexes = [models.Index(fields=["status", "user"])]

    def __str__(self) -> str:
        return f"{self.contribution} → {self.user} ({self.get_status_display()})"


class OutgoingEmail(models.Model):
    """An e-mail waiting to leave (``cms.notifications.outbox``): sent after the commit of
    the request that wrote it, retried later when the mail server does not take it."""

    message = models.JSONField(_("message"))
    recipients = models.TextField(_("destinataires"), blank=True, default="")
    subject = models.CharField(_("objet"), max_length=255, blank=True, default="")
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("essais"), default=0)
    next_attempt_at = models.DateTimeField(_("prochain essai le"), null=True, blank=True)
    last_error = models.CharField(_("dernière erreur"), max_length=500, blank=True, default="")
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True, db_index=True)
    gave_up_at = models.DateTimeField(_("abandonné le"), null=True, blank=True)

    class Meta:
        verbose_name = _("courriel en partance")
        verbose_name_plural = _("courriels en partance")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.subject
