"""The members' directory: members and organisations, profiles, vCards.

One page in the tree serves every view as a sub-route, so Wagtail's view restriction on
the directory page (usually "members") also guards profiles and vCards.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField

from cms.blocks import RICH_TEXT_FEATURES
from cms.models.base import IntranetPage, SubRoutes
from members.directory import (
    ALL_TERRITORIES,
    active_members,
    listed_members,
    listed_organisations,
    ordered_by_shown_name,
    read_filters,
    territory_options,
    visible_expertise_tags,
)
from members.models import College, Organisation, Territory
from members.vcard import vcard_for
from members.visibility import MemberCard, Viewer, card_for

MEMBERS_PER_PAGE = 24
ORGANISATIONS_PER_PAGE = 24


class MemberDirectoryPage(SubRoutes, RoutablePageMixin, IntranetPage):
    """The directory of the convention's members and organisations."""

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("Quelques phrases en tête de l'annuaire : qui y figure et à quoi il sert."),
    )

    content_panels = IntranetPage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.ConventionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("annuaire des membres")
        verbose_name_plural = _("annuaires des membres")

    # URLs and cards

    def cards(self, request: HttpRequest, viewer: Viewer, members) -> list[MemberCard]:
        cards = [card_for(viewer, member) for member in members]
        for card in cards:
            card.url = self.sub_url(request, "member_detail", card.member.pk)
        return cards

    def local_territory(self) -> Territory | None:
        """The territory of a local comité (one below the top of the tree), else None."""
        from cms.models.convention import ConventionPage

        convention = (
            ConventionPage.objects.filter(pk=self.get_parent().pk)
            .select_related("territory")
            .first()
        )
        territory = convention.territory if convention else None
        return territory if territory is not None and territory.parent_id else None

    def filter_context(self, request: HttpRequest, with_expertise: bool, viewer: Viewer) -> dict:
        colleges = list(College.objects.all())
        local = self.local_territory()
        territories = territory_options(list(Territory.objects.all()))
        tags = visible_expertise_tags(viewer) if with_expertise else []
        allowed = {
            "college": {college.slug for college in colleges},
            "territory": {slug for slug, _label in territories},
            "type": set(Organisation.Type.values),
        }
        if with_expertise:
            allowed["expertise"] = {tag.slug for tag in tags}
        return {
            "filters": read_filters(request.GET, allowed, local.slug if local else ""),
            "local_territory": local,
            "all_territories": ALL_TERRITORIES,
            "colleges": colleges,
            "territories": territories,
            "types": Organisation.Type.choices,
            "tags": tags,
            "members_url": self.get_url(request),
            "organisations_url": self.sub_url(request, "organisation_list"),
        }

    # Views

    @path("")
    def member_list(self, request: HttpRequest) -> HttpResponse:
        viewer = Viewer.of(request.user)
        context = self.filter_context(request, with_expertise=True, viewer=viewer)
        filters = context["filters"]
        page = Paginator(listed_members(filters, viewer), MEMBERS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        return self.render(
            request,
            context_overrides={
                **context,
                "tab": "members",
                "query": filters.query,
                "college_filter": filters.college,
                "members_page": page,
                "cards": self.cards(request, viewer, page.object_list),
            },
        )

    @path("structures/")
    def organisation_list(self, request: HttpRequest) -> HttpResponse:
        context = self.filter_context(request, with_expertise=False, viewer=Viewer.of(request.user))
        page = Paginator(listed_organisations(context["filters"]), ORGANISATIONS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        for organisation in page.object_list:
            organisation.directory_url = self.sub_url(
                request, "organisation_detail", organisation.slug
            )
        return self.render(
            request,
            template="members/directory/organisation_list.html",
            context_overrides={**context, "tab": "organisations", "organisations_page": page},
        )

    @path("membres/<int:pk>/")
    def member_detail(self, request: HttpRequest, pk: int) -> HttpResponse:
        viewer = Viewer.of(request.user)
        member = get_object_or_404(active_members(), pk=pk)
        card = card_for(viewer, member)
        organisation_url = (
            self.sub_url(request, "organisation_detail", member.organisation.slug)
            if member.organisation_id and member.organisation.status == Organisation.Status.ACTIVE
            else ""
        )
        return self.render(
            request,
            template="members/directory/member_detail.html",
            context_overrides={
                "card": card,
                "is_self": viewer.is_self(member),
                "organisation_url": organisation_url,
                "vcard_url": self.sub_url(request, "member_vcard", pk) if card.has_contact else "",
            },
        )

    @path("membres/<int:pk>/vcard/")
    def member_vcard(self, request: HttpRequest, pk: int) -> HttpResponse:
        card = card_for(Viewer.of(request.user), get_object_or_404(active_members(), pk=pk))
        if not card.has_contact:
            raise Http404("Aucune coordonnée à exporter.")
        response = HttpResponse(vcard_for(card), content_type="text/vcard; charset=utf-8")
        filename = f"{slugify(card.name) or 'membre'}.vcf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        # Personal data chosen for this viewer: no shared cache may keep it.
        patch_cache_control(response, private=True, no_store=True)
        return response

    @path("structures/<slug:slug>/")
    def organisation_detail(self, request: HttpRequest, slug: str) -> HttpResponse:
        organisation = get_object_or_404(
            Organisation.objects.select_related("college", "territory"),
            slug=slug,
            status=Organisation.Status.ACTIVE,
        )
        viewer = Viewer.of(request.user)
        members = ordered_by_shown_name(active_members().filter(organisation=organisation))
        return self.render(
            request,
            template="members/directory/organisation_detail.html",
            context_overrides={
                "organisation": organisation,
                "cards": self.cards(request, viewer, members),
                "organisations_url": self.sub_url(request, "organisation_list"),
            },
        )
