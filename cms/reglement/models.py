"""Adopted versions of the règlement, and the proposals put to the colleges.

A ``ReglementVersion`` is a frozen copy of an adopted text (intro and articles), so that
readers can still read and compare it after the page has moved on. A
``VersionProposal`` is a draft revision of the page put to the colleges; each college's
referent records a ``CollegeApproval``; once every college has approved, coordination
adopts it (see ``cms.reglement.approvals``).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.reglement.diff import Text


class ReglementVersion(models.Model):
    page = models.ForeignKey(
        "cms.ReglementPage",
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("règlement"),
    )
    label = models.CharField(_("version"), max_length=40)
    adopted_on = models.DateField(_("date d'adoption"), null=True, blank=True)
    intro = models.TextField(_("introduction"), blank=True, help_text=_("Texte riche (HTML)."))
    articles = models.JSONField(
        _("articles"), default=list, help_text=_('Liste de {"id", "title", "body"}.')
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("révision d'origine"),
    )
    recorded_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)

    class Meta:
        ordering = ["-adopted_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["page", "label"], name="unique_reglement_version")
        ]
        verbose_name = _("version du règlement")
        verbose_name_plural = _("versions du règlement")

    def __str__(self) -> str:
        return f"{self.page} — version {self.label}"

    def text(self) -> Text:
        return Text.from_snapshot(self.intro, self.articles)

    def numbered_articles(self) -> list[tuple[int, dict]]:
        return list(enumerate(self.articles, start=1))


class _CollegeApproval(models.Model):
    """A college's approval of what the field named ``approved_field`` holds: one per college."""

    approved_field: ClassVar[str]

    college = models.ForeignKey(
        "members.College", on_delete=models.CASCADE, related_name="+", verbose_name=_("collège")
    )

    class Meta:
        abstract = True
        ordering = ["college__sort_order", "college__name"]

    def __str__(self) -> str:
        return f"{getattr(self, self.approved_field)} — {self.college}"


class VersionApproval(_CollegeApproval):
    """A college's approval of an adopted version, kept with the version."""

    approved_field = "version"

    version = models.ForeignKey(
        ReglementVersion, on_delete=models.CASCADE, related_name="approvals"
    )
    approved_on = models.DateField(_("approuvée le"), null=True, blank=True)

    class Meta(_CollegeApproval.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["version", "college"], name="unique_version_college_approval"
            )
        ]
        verbose_name = _("approbation d'une version")
        verbose_name_plural = _("approbations d'une version")


class VersionProposal(models.Model):
    """A draft revision of the règlement put to the colleges for approval."""

    class Status(models.TextChoices):
        OPEN = "ouverte", _("En cours d'approbation")
        ADOPTED = "adoptee", _("Adoptée")
        WITHDRAWN = "retiree", _("Retirée")

    page = models.ForeignKey(
        "cms.ReglementPage",
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("règlement"),
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("révision proposée"),
    )
    label = models.CharField(_("version proposée"), max_length=40)
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("proposée par"),
    )
    created_at = models.DateTimeField(_("proposée le"), default=timezone.now)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    version = models.OneToOneField(
        ReglementVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name=_("version adoptée"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One proposal at a time per règlement: the colleges approve one text.
            models.UniqueConstraint(
                fields=["page"],
                condition=models.Q(status="ouverte"),
                name="one_open_proposal_per_reglement",
            )
        ]
        verbose_name = _("proposition de nouvelle version")
        verbose_name_plural = _("propositions de nouvelle version")

    def __str__(self) -> str:
        return f"{self.page} — proposition {self.label}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CollegeApproval(_CollegeApproval):
    """A college's approval of a proposal, recorded by one of its referents."""

    approved_field = "proposal"

    proposal = models.ForeignKey(
        VersionProposal, on_delete=models.CASCADE, related_name="approvals"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("enregistrée par"),
    )
    approved_at = models.DateTimeField(_("approuvée le"), default=timezone.now)

    class Meta(_CollegeApproval.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "college"], name="unique_proposal_college_approval"
            )
        ]
        verbose_name = _("approbation d'un collège")
        verbose_name_plural = _("approbations des collèges")
