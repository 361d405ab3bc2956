"""The members' directory queries: filters read from the query string, members and
organisations found, expertise tags a viewer may see.

The directory page (``cms.models.directory``) serves them; nothing here knows of pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.db.models import Case, CharField, Count, Prefetch, Q, QuerySet, When
from django.db.models.functions import Substr, Upper
from django.http import QueryDict
from taggit.models import Tag

from members.models import CollegeMembership, ExpertiseTag, Member, Organisation, Territory
from members.photos import with_photo_renditions
from members.visibility import Viewer, pseudonymised_members, with_visible_field
from shared.text import fold_accents

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
    # django-stubs checks prefetch lookups against the models it knows: it cannot see that
    # taggit's manager on "expertise" supports prefetching.
    return with_photo_renditions(
        Member.objects.filter(status=Member.Status.ACTIVE)  # type: ignore[misc]
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


def listed_members(filters: Filters, viewer: Viewer) -> QuerySet:
    """The active members the filters keep, in the order of their shown names."""
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
            Q(territory_id__in=ids) | Q(territory__isnull=True, organisation__territory_id__in=ids)
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


def visible_expertise_tags(viewer: Viewer) -> list[Tag]:
    """Tags of the active members whose expertise this viewer may see, in reading order."""
    visible = with_visible_field(
        Member.objects.filter(status=Member.Status.ACTIVE), viewer, "expertise"
    )
    tags = Tag.objects.filter(
        pk__in=ExpertiseTag.objects.filter(content_object__in=visible.values("pk")).values("tag_id")
    )
    return sorted(tags, key=lambda tag: fold_accents(tag.name))


def listed_organisations(filters: Filters) -> QuerySet:
    """The active organisations the filters keep, with their active member count, by name."""
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
