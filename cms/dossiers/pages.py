"""Thematic dossiers and the contributions members publish in them: the page types.

They belong to the ``cms`` app (``app_label``), as when they lived in ``cms.models``, so
that their tables, content types and migrations stay where they are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Paginator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents.models import Document
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.blocks import RICH_TEXT_FEATURES, contribution_blocks
from cms.dossiers import exports
from cms.models.base import IntranetPage, SubRoutes
from cms.models.listing import ListingPage
from members.models import College

CONTRIBUTIONS_PER_PAGE = 20


def with_shown_names(members):
    """Members with what ``shown_name`` reads, fetched in three queries for the whole list."""
    return members.select_related("user").prefetch_related("memberships__college")


class DossierIndexPage(ListingPage):
    subpage_types = ["cms.DossierPage"]

    class Meta:
        app_label = "cms"
        verbose_name = _("liste des dossiers thématiques")
        verbose_name_plural = _("listes des dossiers thématiques")

    def listing_context(self, request, children) -> dict:
        return {"dossiers": children.order_by("path")}


@dataclass(frozen=True)
class PreconisationRow:
    title: str
    description: str
    contribution: ContributionPage


class DossierPage(SubRoutes, RoutablePageMixin, IntranetPage):
    """A thematic dossier: its contributions and the summary of their préconisations.

    Its exports (synthesis PDF, préconisations CSV) are sub-routes, served behind the
    dossier's view restrictions and built by ``cms.dossiers.exports``.
    """

    class Status(models.TextChoices):
        OUVERT = "ouvert", _("Ouvert aux contributions")
        EN_COURS = "en_cours", _("Synthèse en cours")
        CLOS = "clos", _("Clos")

    # Annotated fields: on a subclass of an untyped Wagtail class, django-stubs infers none.
    theme: models.CharField[str, str] = models.CharField(
        _("thème"),
        max_length=200,
        help_text=_("Le thème de travail, par exemple « Non-recours et fracture numérique »."),
    )
    status: models.CharField[str, str] = models.CharField(
        _("état"),
        max_length=20,
        choices=Status.choices,
        default=Status.OUVERT,
        help_text=_(
            "Où en est le dossier : ouvert aux contributions, synthèse en cours ou clos. Affiché "
            "aux lecteurs."
        ),
    )
    coordinators = ParentalManyToManyField(
        "members.Member",
        blank=True,
        related_name="coordinated_dossiers",
        verbose_name=_("coordination du dossier"),
        help_text=_("Les personnes qui animent ce dossier."),
    )
    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_(
            "Quelques phrases en tête de page, avant la liste : à quoi sert cette page, en mots "
            "simples."
        ),
    )

    content_panels = IntranetPage.content_panels + [
        FieldPanel("theme"),
        FieldPanel("status"),
        FieldPanel("coordinators"),
        FieldPanel("intro"),
    ]
    parent_page_types = ["cms.DossierIndexPage"]
    subpage_types = ["cms.ContributionPage"]

    class Meta:
        app_label = "cms"
        verbose_name = _("dossier thématique")
        verbose_name_plural = _("dossiers thématiques")

    def feed_path(self) -> str:
        # Served to anyone only while the dossier is public (cms.feeds.DossierFeed).
        return reverse("feed_dossier", args=[self.pk])

    def contributions_for(self, user):
        return (
            self.visible_children(user, ContributionPage)
            .prefetch_related("colleges")
            .order_by("-date", "title")
        )

    @staticmethod
    def preconisations_of(contributions) -> list[PreconisationRow]:
        rows = []
        for contribution in contributions:
            for block in contribution.body:
                if block.block_type == "preconisation":
                    rows.append(
                        PreconisationRow(
                            block.value["title"], block.value["description"], contribution
                        )
                    )
        return rows

    @path("synthese/pdf/", name="synthesis_pdf")
    def synthesis_pdf(self, request):
        return exports.synthesis_pdf(request, self)

    @path("preconisations/csv/", name="preconisations_csv")
    def preconisations_csv(self, request):
        return exports.preconisations_csv(request, self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(
            {
                # Read only when the template renders it: the audience's cached fragments
                # (cms.audience) usually hold the list and the table already.
                "listing": DossierListing(self, request),
                "coordinators": with_shown_names(self.coordinators.all()),
                "synthesis_pdf_url": self.sub_url(request, "synthesis_pdf"),
                "preconisations_csv_url": self.sub_url(request, "preconisations_csv"),
            }
        )
        return context


class DossierListing:
    """A dossier's contributions for one request (filtered, paginated) and its préconisations.

    Each part is computed on first use, from the contributions the reader may see.
    """

    def __init__(self, dossier: DossierPage, request) -> None:
        self.dossier = dossier
        self.request = request
        self.college_filter = request.GET.get("college", "")
        self.type_filter = request.GET.get("type", "")

    @cached_property
    def visible_contributions(self) -> list[ContributionPage]:
        return list(self.dossier.contributions_for(self.request.user))

    @cached_property
    def colleges(self) -> dict[str, College]:
        return {college.slug: college for college in College.objects.all()}

    @property
    def college_choices(self) -> list[College]:
        return list(self.colleges.values())

    @property
    def type_choices(self) -> list[tuple[str, str]]:
        return ContributionPage.Type.choices

    @property
    def chosen_college(self) -> str:
        return self.college_filter if self.college_filter in self.colleges else ""

    @property
    def chosen_type(self) -> str:
        return self.type_filter if self.type_filter in dict(self.type_choices) else ""

    @property
    def ignored_filter(self) -> bool:
        return bool(
            (self.college_filter and not self.chosen_college)
            or (self.type_filter and not self.chosen_type)
        )

    @cached_property
    def shown(self) -> list[ContributionPage]:
        shown = self.visible_contributions
        if self.chosen_college:
            shown = [
                c
                for c in shown
                if any(college.slug == self.chosen_college for college in c.colleges.all())
            ]
        if self.chosen_type:
            shown = [c for c in shown if c.contribution_type == self.chosen_type]
        return shown

    @property
    def count(self) -> int:
        return len(self.shown)

    @cached_property
    def contributions(self):
        return Paginator(self.shown, CONTRIBUTIONS_PER_PAGE).get_page(self.request.GET.get("page"))

    @cached_property
    def preconisations(self) -> list[PreconisationRow]:
        return DossierPage.preconisations_of(self.visible_contributions)


class ContributionTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.ContributionPage", on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        app_label = "cms"


class ContributionPage(IntranetPage):
    """A contribution to a dossier: workshop synthesis, préconisations, testimony, minutes…"""

    class Type(models.TextChoices):
        SYNTHESE_ATELIER = "synthese_atelier", _("Synthèse d'atelier")
        PRECONISATIONS = "preconisations", _("Préconisations")
        TEMOIGNAGE = "temoignage", _("Témoignage")
        COMPTE_RENDU = "compte_rendu", _("Compte rendu")
        DIAGNOSTIC = "diagnostic", _("Diagnostic")
        POSITION = "position", _("Prise de position")

    # Annotated fields: on a subclass of an untyped Wagtail class, django-stubs infers none.
    contribution_type: models.CharField[str, str] = models.CharField(
        _("type de contribution"),
        max_length=30,
        choices=Type.choices,
        default=Type.SYNTHESE_ATELIER,
        help_text=_(
            "La nature du texte : synthèse d'atelier, témoignage, compte rendu… Aide les "
            "lecteurs à trier."
        ),
    )
    date: models.DateField[datetime.date, datetime.date] = models.DateField(
        _("date"), help_text=_("La date de l'atelier, de la rencontre ou de la rédaction.")
    )
    summary: models.TextField[str, str] = models.TextField(
        _("résumé"),
        blank=True,
        help_text=_(
            "Deux ou trois phrases affichées dans les listes et les résultats de recherche."
        ),
    )
    body = StreamField(
        contribution_blocks(),
        verbose_name=_("contenu"),
        blank=True,
        help_text=_(
            "Le texte de la contribution. Ajoutez des paragraphes, des titres, des citations ou "
            "des images avec le bouton « + »."
        ),
    )
    colleges = ParentalManyToManyField(
        "members.College",
        blank=True,
        related_name="contributions",
        verbose_name=_("collèges à l'origine"),
        help_text=_("Le ou les collèges dont vient cette contribution."),
    )
    authors = ParentalManyToManyField(
        "members.Member",
        blank=True,
        related_name="contributions",
        verbose_name=_("auteurs et autrices"),
        help_text=_(
            "Les membres qui ont écrit cette contribution. Leur nom s'affiche comme signature."
        ),
    )
    tags = ClusterTaggableManager(through=ContributionTag, blank=True, verbose_name=_("mots-clés"))
    meeting: models.ForeignKey[Page | None, Page | None] = models.ForeignKey(
        "cms.EventPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
        verbose_name=_("rencontre"),
        help_text=_(
            "Pour un compte rendu ou une synthèse : la rencontre dont il est issu. "
            "La contribution est alors liée depuis la page de la rencontre."
        ),
    )

    content_panels = IntranetPage.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("contribution_type"),
                FieldPanel("date"),
                FieldPanel("colleges"),
                FieldPanel("authors"),
                FieldPanel("meeting"),
            ],
            heading=_("Origine"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("Pièces jointes"), heading=_("Pièces jointes")),
        FieldPanel("tags"),
    ]
    search_fields = IntranetPage.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["cms.DossierPage"]
    subpage_types: list[str] = []

    class Meta:
        app_label = "cms"
        verbose_name = _("contribution")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The template links to it by title and address: the plain page routing found.
        context["dossier"] = self.get_parent()
        context["attachments"] = self.attachments.select_related("document")
        context["authors"] = with_shown_names(self.authors.all())
        return context


class ContributionAttachment(Orderable):
    page = ParentalKey(ContributionPage, on_delete=models.CASCADE, related_name="attachments")
    # Annotated fields: on a subclass of an untyped Wagtail class, django-stubs infers none.
    document: models.ForeignKey[Document, Document] = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("document"),
    )
    title: models.CharField[str, str] = models.CharField(
        _("intitulé"),
        max_length=200,
        blank=True,
        help_text=_("Laissez vide pour reprendre le titre du document."),
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        app_label = "cms"
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")

    @property
    def label(self) -> str:
        return self.title or self.document.title
