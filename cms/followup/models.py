"""The follow-up of préconisations: tracked items, their timeline, endorsements, the board.

A tracked item is born from a « préconisation » block of a published contribution and
keeps that block's StreamField id as its identity: editing the text, reordering the
blocks or publishing a new revision updates the same item; removing the block archives
it (it is never deleted while its contribution exists). Who may see an item is decided
by its source contribution, through ``cms.access`` (see ``cms.followup.access``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField

from cms.blocks import RICH_TEXT_FEATURES
from cms.models.base import IntranetPage
from cms.notifications.models import ContributionNotice


class Status(models.TextChoices):
    PROPOSEE = "proposee", _("Proposée")
    RETENUE = "retenue", _("Retenue")
    EN_COURS = "en_cours", _("En cours")
    REALISEE = "realisee", _("Réalisée")
    ABANDONNEE = "abandonnee", _("Abandonnée")


# Statuses that close an item: the reason (what was done, or why not) is required.
STATUSES_WITH_REASON = frozenset({Status.REALISEE, Status.ABANDONNEE})


class TrackedItem(models.Model):
    """One préconisation and what became of it."""

    contribution = models.ForeignKey(
        "cms.ContributionPage",
        on_delete=models.CASCADE,
        related_name="tracked_items",
        verbose_name=_("contribution d'origine"),
    )
    block_id = models.CharField(_("identifiant du bloc"), max_length=64)
    title = models.CharField(_("préconisation"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    # Copied from the contribution and its ancestors at each sync, so the board filters
    # in the database; the contribution stays the only source of visibility.
    dossier = models.ForeignKey(
        "cms.DossierPage",
        null=True,
        on_delete=models.SET_NULL,
        related_name="tracked_items",
        verbose_name=_("dossier"),
    )
    convention = models.ForeignKey(
        "cms.ConventionPage",
        null=True,
        on_delete=models.SET_NULL,
        related_name="tracked_items",
        verbose_name=_("convention"),
    )
    theme = models.CharField(_("thème"), max_length=200, blank=True)
    territory = models.ForeignKey(
        "members.Territory",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tracked_items",
        verbose_name=_("territoire"),
    )
    colleges = models.ManyToManyField(
        "members.College",
        blank=True,
        related_name="tracked_items",
        verbose_name=_("collèges à l'origine"),
    )
    source_date = models.DateField(_("date de la contribution"))

    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.PROPOSEE
    )
    status_reason = models.TextField(
        _("motif"),
        blank=True,
        help_text=_("Ce qui a été fait, ou pourquoi la préconisation est abandonnée."),
    )
    carrier_organisations = models.ManyToManyField(
        "members.Organisation",
        blank=True,
        related_name="carried_items",
        verbose_name=_("structures porteuses"),
    )
    carrier_members = models.ManyToManyField(
        "members.Member",
        blank=True,
        related_name="carried_items",
        verbose_name=_("personnes porteuses"),
    )
    target_date = models.DateField(_("échéance"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    archived_at = models.DateTimeField(
        _("archivée le"),
        null=True,
        blank=True,
        help_text=_("La préconisation a été retirée de sa contribution."),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "block_id"], name="followup_one_item_per_block"
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="followup_progress_at_most_100"
            ),
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["source_date"])]
        verbose_name = _("préconisation suivie")
        verbose_name_plural = _("préconisations suivies")

    def __str__(self) -> str:
        return self.title

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class TimelineEntry(models.Model):
    """A dated step of an item's follow-up: who, what changed, why, and the evidence."""

    item = models.ForeignKey(
        TrackedItem, on_delete=models.CASCADE, related_name="entries", verbose_name=_("suivi")
    )
    date = models.DateField(_("date"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("auteur ou autrice"),
    )
    text = models.TextField(_("explication"), blank=True)
    # [{"field": "status", "label": "État", "before": "Retenue", "after": "En cours"}, …]
    changes = models.JSONField(_("changements"), default=list, blank=True)
    evidence_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("contribution ou rencontre liée"),
    )
    evidence_document = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("document lié"),
    )
    created_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-created_at", "-pk"]
        verbose_name = _("étape du suivi")
        verbose_name_plural = _("étapes du suivi")

    def __str__(self) -> str:
        return f"{self.item} — {self.date:%Y-%m-%d}"


class Endorsement(models.Model):
    """« Soutenir » : one per member and item."""

    item = models.ForeignKey(
        TrackedItem, on_delete=models.CASCADE, related_name="endorsements", verbose_name=_("suivi")
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        related_name="endorsements",
        verbose_name=_("membre"),
    )
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="followup_one_endorsement")
        ]
        verbose_name = _("soutien")
        verbose_name_plural = _("soutiens")

    def __str__(self) -> str:
        return f"{self.item} — {self.member_id}"


class FollowupBoardPage(RoutablePageMixin, IntranetPage):
    """« Suivi des préconisations » of a convention (and of the conventions of its territory)."""

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_(
            "Quelques lignes en tête du tableau : ce que l'on suit ici et qui le met à jour. "
            "La liste des préconisations, leurs filtres et leurs comptes viennent ensuite."
        ),
    )

    content_panels = IntranetPage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.ConventionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("suivi des préconisations")
        verbose_name_plural = _("suivis des préconisations")

    def feed_path(self) -> str:
        # Announced and linked only while the board is public (templatetag page_feed).
        return reverse("feed_followup_board", args=[self.pk])

    def get_context(self, request, *args, **kwargs):
        from cms.followup.board import board_context

        context = super().get_context(request, *args, **kwargs)
        context.update(board_context(self, request))
        return context

    @path("export/csv/", name="csv")
    def export_csv(self, request):
        from cms.followup.board import board_export

        return board_export(self, request, "csv")

    @path("export/xlsx/", name="xlsx")
    def export_xlsx(self, request):
        from cms.followup.board import board_export

        return board_export(self, request, "xlsx")


class StatusNotice(models.Model):
    """One follower of a dossier told (or to be told) of one status change: never twice."""

    # The same deliveries and states as a new contribution's notice.
    Delivery = ContributionNotice.Delivery
    State = ContributionNotice.Status

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="followup_notices",
        verbose_name=_("personne"),
    )
    entry = models.ForeignKey(
        TimelineEntry, on_delete=models.CASCADE, related_name="notices", verbose_name=_("étape")
    )
    delivery = models.CharField(_("envoi"), max_length=10, choices=Delivery.choices)
    state = models.CharField(_("état"), max_length=12, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    handled_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "entry"], name="followup_notice_once")
        ]
        verbose_name = _("avis de changement d'état")
        verbose_name_plural = _("avis de changement d'état")

    def __str__(self) -> str:
        return f"{self.user} — {self.entry}"


def restitution_path(report: RestitutionReport, filename: str) -> str:
    """Under ``prive/``: nothing under MEDIA_ROOT is served but checked images (cms/media.py),
    and these files only through the coordination's download view."""
    return f"prive/restitutions/{report.year}/{filename}"


class RestitutionReport(models.Model):
    """An annual restitution of a convention, generated in the background and kept with its date."""

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Public (contenus publics seulement)")
        MEMBERS = "membres", _("Membres (contenus ouverts à tous les membres)")

    class State(models.TextChoices):
        PENDING = "en_attente", _("En attente")
        RUNNING = "en_cours", _("En cours")
        DONE = "terminee", _("Terminée")
        FAILED = "echec", _("Échec")

    year = models.PositiveSmallIntegerField(_("année"))
    convention = models.ForeignKey(
        "cms.ConventionPage",
        null=True,
        on_delete=models.SET_NULL,
        related_name="restitutions",
        verbose_name=_("convention"),
    )
    convention_title = models.CharField(_("titre de la convention"), max_length=255)
    audience = models.CharField(_("public visé"), max_length=10, choices=Audience.choices)
    state = models.CharField(_("état"), max_length=12, choices=State.choices, default=State.PENDING)
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    step = models.CharField(_("étape"), max_length=120, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("demandée par"),
    )
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    pdf_file = models.FileField(_("PDF"), upload_to=restitution_path, blank=True, max_length=255)
    odt_file = models.FileField(
        _("ODT (texte OpenDocument)"), upload_to=restitution_path, blank=True, max_length=255
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("restitution annuelle")
        verbose_name_plural = _("restitutions annuelles")

    def __str__(self) -> str:
        return f"{self.convention_title} — {self.year} ({self.get_audience_display()})"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
