from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField

from cms.access import visible_pages
from cms.blocks import RICH_TEXT_FEATURES
from cms.dossiers.pages import ContributionPage
from cms.models.base import IntranetPage
from cms.models.convention import ConventionPage
from members.models import Member
from members.space.home_sections import member_home_sections


def member_of(user) -> Member | None:
    """The logged-in person's member record (None for anonymous readers and bare accounts)."""
    if not user.is_authenticated:
        return None
    return Member.objects.filter(user=user).first()


class HomePage(IntranetPage):
    """The site's home: the conventions and the latest contributions, for everyone; after
    login, first the member's own sections (``members.space.home_sections``)."""

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_(
            "Quelques phrases d'accueil, en langage simple. Elles sont montrées aux "
            "visiteurs qui ne sont pas connectés ; les membres connectés voient à leur "
            "place leurs rencontres, leurs dossiers suivis et leurs propositions."
        ),
    )

    content_panels = IntranetPage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ConventionPage", "cms.StandardPage"]

    class Meta:
        verbose_name = _("page d'accueil")
        verbose_name_plural = _("pages d'accueil")

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
        member = member_of(request.user)
        context["member"] = member
        context["member_sections"] = (
            [
                (section, section.render_html(request))
                for section in member_home_sections(request, member)
            ]
            if member is not None
            else []
        )
        return context

    def serve(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().serve(request, *args, **kwargs)
        if request.user.is_authenticated:
            # The member's own sections: no cache, ours (cms.cache) or a shared one, may
            # keep this page for anyone else.
            patch_cache_control(response, private=True, no_store=True)
        patch_vary_headers(response, ("Cookie",))
        return response
