"""The règlement's page type: its articles, the version in force and the routes to the others.

It belongs to the ``cms`` app (``app_label``), as when it lived in ``cms.models``, so that
its table, content type and migrations stay where they are.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField

from cms.blocks import RICH_TEXT_FEATURES, ArticleBlock
from cms.models.base import IntranetPage, SubRoutes
from cms.reglement.approvals import may_follow_proposals
from cms.reglement.exports import reglement_pdf
from cms.reglement.reader import version_compare, version_detail, version_list


class ReglementPage(SubRoutes, RoutablePageMixin, IntranetPage):
    """The règlement de fonctionnement: numbered articles and the version adopted.

    Its sub-routes (versions, comparison, PDF) are served behind the page's own view
    restrictions; their views live in ``cms.reglement.reader`` and ``cms.reglement.exports``.
    """

    # Annotated fields: on a subclass of an untyped Wagtail class, django-stubs infers none.
    version_label: models.CharField[str, str] = models.CharField(
        _("version"), max_length=40, blank=True, help_text=_("Par exemple « 1.0 » ou « 2024-1 ».")
    )
    adopted_on: models.DateField[date | None, date | None] = models.DateField(
        _("date d'adoption"),
        null=True,
        blank=True,
        help_text=_(
            "Le jour où cette version du règlement a été adoptée. Rempli tout seul quand la "
            "coordination publie une version approuvée."
        ),
    )
    approved_by = ParentalManyToManyField(
        "members.College",
        blank=True,
        related_name="+",
        verbose_name=_("collèges ayant approuvé"),
        help_text=_("Les collèges qui ont approuvé cette version."),
    )
    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("Quelques phrases avant les articles : à quoi sert ce règlement."),
    )
    articles = StreamField(
        [("article", ArticleBlock())],
        verbose_name=_("articles"),
        blank=True,
        help_text=_("Ajoutez les articles dans l'ordre : ils sont numérotés automatiquement."),
    )

    content_panels = IntranetPage.content_panels + [
        MultiFieldPanel(
            [FieldPanel("version_label"), FieldPanel("adopted_on"), FieldPanel("approved_by")],
            heading=_("Adoption"),
        ),
        FieldPanel("intro"),
        FieldPanel("articles"),
    ]
    parent_page_types = ["cms.ConventionPage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        app_label = "cms"
        verbose_name = _("règlement de fonctionnement")
        verbose_name_plural = _("règlements de fonctionnement")

    def numbered_articles(self) -> list[tuple[int, object]]:
        return [(number, block.value) for number, block in enumerate(self.articles, start=1)]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.get_url(request):  # a preview of a page not yet in the tree has no routes
            context["versions_url"] = self.sub_url(request, "versions")
            context["pdf_url"] = self.sub_url(request, "pdf")
        context["follows_proposals"] = may_follow_proposals(request.user)
        return context

    # Sub-routes

    @path("versions/", name="versions")
    def versions_route(self, request: HttpRequest) -> HttpResponse:
        return version_list(self, request)

    @path("versions/comparer/", name="compare")
    def compare_route(self, request: HttpRequest) -> HttpResponse:
        return version_compare(self, request)

    @path("versions/<int:pk>/", name="version")
    def version_route(self, request: HttpRequest, pk: int) -> HttpResponse:
        return version_detail(self, request, pk)

    @path("versions/<int:pk>/pdf/", name="version_pdf")
    def version_pdf_route(self, request: HttpRequest, pk: int) -> HttpResponse:
        return reglement_pdf(request, self, get_object_or_404(self.versions, pk=pk))

    @path("pdf/", name="pdf")
    def pdf_route(self, request: HttpRequest) -> HttpResponse:
        return reglement_pdf(request, self)
