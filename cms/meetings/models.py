"""Registrations to meetings (EventPage), their waiting list and travel cost support requests.

The event pages belong to the ``cms`` app; what registration needs is stored here:
one ``MeetingRoster`` row per meeting (the row locked while places are counted), one
``Registration`` per person and meeting, and a ``TravelSupportRequest`` when a person of
the "personnes accompagnées" college asks for their travel costs to be covered.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from members.visibility import shown_name


class MeetingRoster(models.Model):
    """One row per meeting: locking it serialises the decisions about that meeting's places."""

    event = models.OneToOneField(
        "cms.EventPage",
        on_delete=models.CASCADE,
        related_name="roster",
        verbose_name=_("rencontre"),
    )
    # Written at each change so that SQLite, which has no row locks, takes its write lock
    # before the places are counted (see services.locked_roster).
    changes = models.PositiveIntegerField(_("nombre de changements"), default=0)

    class Meta:
        verbose_name = _("registre d'une rencontre")
        verbose_name_plural = _("registres des rencontres")

    def __str__(self) -> str:
        return str(self.event_id)


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self) -> RegistrationQuerySet:
        return self.filter(status=Registration.Status.CONFIRMED)

    def waiting(self) -> RegistrationQuerySet:
        return self.filter(status=Registration.Status.WAITING)

    def current(self) -> RegistrationQuerySet:
        return self.exclude(status=Registration.Status.CANCELLED)

    def in_waiting_order(self) -> RegistrationQuerySet:
        return self.waiting().order_by("registered_at", "pk")


class Registration(models.Model):
    """A person's registration to a meeting, or their place on its waiting list."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Inscrit·e")
        WAITING = "waiting", _("Liste d'attente")
        CANCELLED = "cancelled", _("Annulée")

    event = models.ForeignKey(
        "cms.EventPage",
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("rencontre"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meeting_registrations",
        verbose_name=_("personne"),
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.CONFIRMED
    )
    # Set again when a person registers after cancelling: they join the end of the queue.
    registered_at = models.DateTimeField(_("date d'inscription"))
    promoted_at = models.DateTimeField(
        _("place obtenue depuis la liste d'attente le"), null=True, blank=True
    )
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="unique_registration_per_event")
        ]
        indexes = [models.Index(fields=["event", "status", "registered_at"])]
        ordering = ["registered_at", "pk"]
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")

    def __str__(self) -> str:
        return f"{self.user} — {self.event_id} ({self.get_status_display()})"

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.WAITING


class TravelSupportRequest(models.Model):
    """A request for travel cost support, made when registering, followed up by coordination."""

    NOTE_MAX_LENGTH = 500

    class Status(models.TextChoices):
        PENDING = "pending", _("À traiter")
        GRANTED = "granted", _("Accordée")
        REFUSED = "refused", _("Refusée")

    registration = models.OneToOneField(
        Registration,
        on_delete=models.CASCADE,
        related_name="travel_support",
        verbose_name=_("inscription"),
    )
    note = models.CharField(_("précisions de la personne"), max_length=NOTE_MAX_LENGTH, blank=True)
    status = models.CharField(
        _("suite donnée"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    follow_up_note = models.TextField(
        _("note de suivi"),
        blank=True,
        help_text=_("Visible de la coordination seulement : montant, justificatifs, échanges."),
    )
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("prise en charge des frais")
        verbose_name_plural = _("prises en charge des frais")

    def __str__(self) -> str:
        return f"{self.person()} — {self.registration.event.title}"

    # Columns of the admin listing (cms/meetings/wagtail_hooks.py prefetches what they read).

    @admin.display(description=_("personne"))
    def person(self) -> str:
        user = self.registration.user
        member = getattr(user, "member", None)
        if member is None:
            return user.get_full_name() or user.get_username()
        return shown_name(member)

    @admin.display(description=_("rencontre"))
    def meeting(self) -> str:
        return self.registration.event.title

    @admin.display(description=_("date de la rencontre"))
    def meeting_date(self) -> str:
        return date_format(timezone.localtime(self.registration.event.start), "j F Y")

    @admin.display(description=_("inscription"))
    def registration_status(self) -> str:
        return self.registration.get_status_display()
