from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField

from cms.blocks import RICH_TEXT_FEATURES, ArticleBlock
from cms.models.base import IntranetPage


class ReglementPage(IntranetPage):
    """The règlement de fonctionnement: numbered articles and the version adopted."""

    version_label = models.CharField(
        _("version"), max_length=40, blank=True, help_text=_("Par exemple « 1.0 » ou « 2024-1 ».")
    )
    adopted_on = models.DateField(_("date d'adoption"), null=True, blank=True)
    approved_by = ParentalManyToManyField(
        "members.College",
        blank=True,
        related_name="+",
        verbose_name=_("collèges ayant approuvé"),
        help_text=_("Les collèges qui ont approuvé cette version."),
    )
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
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
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("règlement de fonctionnement")

    def numbered_articles(self) -> list[tuple[int, object]]:
        return [(number, block.value) for number, block in enumerate(self.articles, start=1)]
