"""A section of a convention that introduces and lists its pages: the dossiers, the meetings."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.query import PageQuerySet

from cms.blocks import RICH_TEXT_FEATURES
from cms.models.base import IntranetPage


class ListingPage(IntranetPage):
    """An introduction, then the live children of its one page type (``subpage_types``)
    that the reader may see; ``listing_context`` says how the page shows them."""

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_(
            "Quelques phrases en tête de page, avant la liste : à quoi sert cette section."
        ),
    )

    content_panels = IntranetPage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.ConventionPage"]

    class Meta:
        abstract = True

    def listing_context(self, request: HttpRequest, children: PageQuerySet) -> dict:
        raise NotImplementedError

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        (listed_type,) = self.clean_subpage_models()
        children = self.visible_children(request.user, listed_type)
        context.update(self.listing_context(request, children))
        return context
