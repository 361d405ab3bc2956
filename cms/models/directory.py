"""The members' directory: members and organisations, profiles, vCards.

One page in the tree serves every view as a sub-route, so Wagtail's view restriction on
the directory page (usually "members") also guards profiles and vCards.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from django import forms
from django.core.paginator import Paginator
from django.db.models import Case, CharField, Count, Prefetch, Q, QuerySet, When
from django.db.models.functions import Substr, Upper
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField

from cms.blocks import RICH_TEXT_FEATURES
from cms.models.base import IntranetPage
from members.models import College, CollegeMembership, ExpertiseTag, Member, Organisation, Territory
from members.vcard import vcard_for
from members.visibility import (
    MemberCard,
    Viewer,
    card_for,
    pseudonymised_members,
    with_visible_field,
)

MEMBERS_PER_PAGE = 24
ORGANISATIONS_PER_PAGE = 24
QUERY_MAX_LENGTH = 100
# The territory filter's value for "every territory" (a local directory defaults to its own).
ALL_TERRITORIES = "tous"


@dataclass
class Filters:
    """The directory's filters as read from the query string; unknown values are dropped."""

    college: str = ""
    territory: str = ""
    type: str = ""
    expertise: str = ""
    query: str = ""
    ignored: list[str] = field(default_factory=list)
    # A local comité's directory shows its own territory until the reader widens it.
    default_territory: str = ""

    @property
    def active(self) -> bool:
        chosen_territory = self.territory if self.territory != self.default_territory else ""
        return any((self.college, chosen_territory, self.type, self.expertise, self.query))

    @property
    def shows_default_territory(self) -> bool:
        return bool(self.default_territory) and self.territory == self.default_territory


class DirectoryQuery(forms.Form):
    """The directory's words: a form refuses what the database would (NUL characters)."""

    q = forms.CharField(required=False)


def read_filters(
    params: QueryDict, allowed: dict[str, set[str]], default_territory: str = ""
) -> Filters:
    """Keep each filter whose value is among ``allowed[name]``; note the others as ignored.

    Without a territory in the query string, ``default_territory`` applies; the value
    ``ALL_TERRITORIES`` asks for every territory.
    """
    words = DirectoryQuery(params)
    filters = Filters(
        query=" ".join(words.cleaned_data["q"].split())[:QUERY_MAX_LENGTH]
        if words.is_valid()
        else "",
        default_territory=default_territory,
    )
    if words.errors:
        filters.ignored.append("q")
    for name, values in allowed.items():
        value = params.get(name, "")
        if value in values:
            setattr(filters, name, value)
        elif value and not (name == "territory" and value == ALL_TERRITORIES):
            filters.ignored.append(name)
    if "territory" not in params and default_territory in allowed.get("territory", ()):
        filters.territory = default_territory
    return filters


def territory_options(territories: list[Territory]) -> list[tuple[str, str]]:
    """(slug, label) in tree order, sub-territories indented with dashes."""
    children: dict[int | None, list[Territory]] = {}
    for territory in territories:
        children.setdefault(territory.parent_id, []).append(territory)
    known = {territory.pk for territory in territories}
    roots = [t for t in territories if t.parent_id is None or t.parent_id not in known]
    options: list[tuple[str, str]] = []

    def walk(nodes: list[Territory], depth: int) -> None:
        for node in nodes:
            options.append((node.slug, "— " * depth + node.name))
            walk(children.get(node.pk, []), depth + 1)

    walk(roots, 0)
    return options


def reading_key(text: str) -> str:
    """Sort key that puts "éthique" among the e's, as a French reader expects."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search_q(query: str) -> Q:
    """Every word matches a first name, a shown last name or an organisation name."""
    condition = Q()
    for word in query.split():
        condition &= (
            Q(user__first_name__icontains=word)
            | (Q(user__last_name__icontains=word) & ~Q(pk__in=pseudonymised_members()))
            | Q(organisation__name__icontains=word)
        )
    return condition


def active_members() -> QuerySet:
    """Active members with what a card needs, in a fixed number of queries."""
    return (
        Member.objects.filter(status=Member.Status.ACTIVE)
        .select_related("user", "organisation")
        .prefetch_related(
            Prefetch("memberships", CollegeMembership.objects.select_related("college")),
            "expertise",
        )
    )


def ordered_by_shown_name(members: QuerySet) -> QuerySet:
    # Sorting by a hidden last name would tell its neighbours apart: sort by the initial.
    return members.annotate(
        _shown_last_name=Case(
            When(pk__in=pseudonymised_members(), then=Upper(Substr("user__last_name", 1, 1))),
            default=Upper("user__last_name"),
            output_field=CharField(),
        )
    ).order_by("_shown_last_name", "user__first_name", "pk")


class MemberDirectoryPage(RoutablePageMixin, IntranetPage):
    """The directory of the convention's members and organisations."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = IntranetPage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.ConventionPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("annuaire des membres")

    # Queries

    def members(self, filters: Filters, viewer: Viewer) -> QuerySet:
        members = active_members()
        if filters.college:
            members = members.filter(
                pk__in=CollegeMembership.objects.filter(college__slug=filters.college).values(
                    "member_id"
                )
            )
        if filters.territory:
            ids = Territory.objects.get(slug=filters.territory).subtree_ids()
            # A member's own territory, or else their organisation's.
            members = members.filter(
                Q(territory_id__in=ids)
                | Q(territory__isnull=True, organisation__territory_id__in=ids)
            )
        if filters.type:
            members = members.filter(organisation__type=filters.type)
        if filters.expertise:
            # Only members who let this viewer see their expertise may match it.
            members = with_visible_field(members, viewer, "expertise").filter(
                pk__in=ExpertiseTag.objects.filter(tag__slug=filters.expertise).values(
                    "content_object_id"
                )
            )
        if filters.query:
            members = members.filter(search_q(filters.query))
        return ordered_by_shown_name(members)

    def expertise_tags(self, viewer: Viewer) -> list[Tag]:
        """Tags of the active members whose expertise this viewer may see, in reading order."""
        visible = with_visible_field(
            Member.objects.filter(status=Member.Status.ACTIVE), viewer, "expertise"
        )
        tags = Tag.objects.filter(
            pk__in=ExpertiseTag.objects.filter(content_object__in=visible.values("pk")).values(
                "tag_id"
            )
        )
        return sorted(tags, key=lambda tag: reading_key(tag.name))

    def organisations(self, filters: Filters) -> QuerySet:
        organisations = (
            Organisation.objects.filter(status=Organisation.Status.ACTIVE)
            .select_related("college", "territory")
            .annotate(
                active_member_count=Count("members", filter=Q(members__status=Member.Status.ACTIVE))
            )
        )
        if filters.college:
            organisations = organisations.filter(college__slug=filters.college)
        if filters.territory:
            ids = Territory.objects.get(slug=filters.territory).subtree_ids()
            organisations = organisations.filter(territory_id__in=ids)
        if filters.type:
            organisations = organisations.filter(type=filters.type)
        for word in filters.query.split():
            organisations = organisations.filter(name__icontains=word)
        return organisations.order_by("name", "pk")

    # URLs and cards

    def sub_url(self, request: HttpRequest, name: str, *args) -> str:
        return self.get_url(request) + self.reverse_subpage(name, args=args)

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
        tags = self.expertise_tags(viewer) if with_expertise else []
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
        page = Paginator(self.members(filters, viewer), MEMBERS_PER_PAGE).get_page(
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
        page = Paginator(self.organisations(context["filters"]), ORGANISATIONS_PER_PAGE).get_page(
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
