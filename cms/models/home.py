from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField

from cms.access import visible_pages
from cms.blocks import RICH_TEXT_FEATURES
from cms.dossiers.pages import ContributionPage
from cms.models.base import IntranetPage
from cms.models.convention import ConventionPage


class HomePage(IntranetPage):
    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("Quelques phrases d'accueil, en langage simple."),
    )

    content_panels = IntranetPage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ConventionPage", "cms.StandardPage"]

    class Meta:
        verbose_name = _("page d'accueil")

    def feed_path(self) -> str:
        return reverse("feed_contributions")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["conventions"] = self.visible_children(request.user, ConventionPage).order_by(
            "path"
        )
        context["latest_contributions"] = visible_pages(
            request.user, ContributionPage.objects.live().descendant_of(self)
        ).order_by("-date", "-pk")[:5]
        return context
