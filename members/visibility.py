"""What a viewer may see of a member's profile: display name and contact fields.

Every surface that shows a member (directory listing, profile page, vCard, organisation
page) goes through ``card_for``; every query that selects members by a field the member
may hide (the expertise filter) goes through ``field_visible_q``. Both apply the same rule
as ``may_see_field``.

A pseudonymised member (the accompanied college, without « Afficher mon nom de famille
en entier ») shows as first name and initial everywhere; an address that spells their
surname is withheld too, unless they agreed to show that very address on their profile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypedDict, cast

from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.db.models.fields.json import KeyTextTransform

from members.models import College, Member
from members.photos import is_member_photo, rendition_url
from members.roles import COORDINATION_GROUP, MEMBERS_GROUP
from shared.text import fold_accents

ACCOMPANIED_COLLEGE = "personnes-accompagnees"
# The fields a vCard or a "contact" block is made of (bio and expertise are not contacts).
CONTACT_FIELDS = ("email", "phone", "address")


@dataclass(frozen=True)
class Viewer:
    """What matters about the person looking: computed once per request."""

    user_id: int | None
    is_member: bool
    is_coordination: bool
    college_ids: frozenset[int]

    @classmethod
    def of(cls, user) -> Viewer:
        if not user.is_authenticated:
            return cls(None, False, False, frozenset())
        group_names = set(user.groups.values_list("name", flat=True))
        college_ids = frozenset(
            College.objects.filter(group__user=user).values_list("pk", flat=True)
        )
        is_coordination = user.is_superuser or COORDINATION_GROUP in group_names
        return cls(
            user.pk, is_coordination or MEMBERS_GROUP in group_names, is_coordination, college_ids
        )

    def is_self(self, member: Member) -> bool:
        return self.user_id is not None and self.user_id == member.user_id

    def levels(self) -> set[str]:
        """Levels this viewer sees for anyone; 'college' also opens to shared colleges."""
        levels = {Member.Visibility.PUBLIC.value}
        if self.is_member:
            levels.add(Member.Visibility.MEMBERS.value)
        # Coordination runs the convention: it is treated as part of every college.
        if self.is_coordination:
            levels.add(Member.Visibility.COLLEGE.value)
        return levels


def may_see_field(viewer: Viewer, member: Member, field: str, member_college_ids: set[int]) -> bool:
    if viewer.is_self(member):
        return True
    if field == "email" and email_withheld(viewer, member):
        return False
    level = member.visibility_of(field)
    if level == Member.Visibility.PUBLIC:
        return True
    if level == Member.Visibility.MEMBERS:
        return viewer.is_member
    if level == Member.Visibility.COLLEGE:
        return viewer.is_coordination or bool(viewer.college_ids & member_college_ids)
    return False


def effective_level(field: str) -> Case:
    """SQL for ``Member.visibility_of(field)``: the stored level if valid, else the default."""
    return Case(
        When(
            **{f"visibility__{field}__in": Member.Visibility.values},
            then=KeyTextTransform(field, "visibility"),
        ),
        default=Value(Member.VISIBILITY_FIELDS[field].value),
        output_field=CharField(),
    )


def field_visible_q(viewer: Viewer, field: str, level_alias: str) -> Q:
    """Members whose ``field`` this viewer may see, as ``may_see_field`` decides.

    The queryset must be annotated with ``level_alias=effective_level(field)``.
    """
    condition = Q(**{f"{level_alias}__in": sorted(viewer.levels())})
    if viewer.college_ids:
        condition |= Q(**{level_alias: Member.Visibility.COLLEGE}) & Q(
            pk__in=Member.objects.filter(memberships__college_id__in=viewer.college_ids).values(
                "pk"
            )
        )
    if viewer.user_id is not None:
        condition |= Q(user_id=viewer.user_id)
    return condition


def with_visible_field(queryset: QuerySet, viewer: Viewer, field: str) -> QuerySet:
    """Keep only the members whose ``field`` this viewer may see."""
    alias = f"_visibility_{field}"
    return queryset.alias(**{alias: effective_level(field)}).filter(
        field_visible_q(viewer, field, alias)
    )


def pseudonymised_members():
    """Members whose last name must not be shown, nor matched by a search."""
    return Member.objects.filter(
        memberships__college__slug=ACCOMPANIED_COLLEGE, show_full_name=False
    ).values("pk")


def is_pseudonymised(member: Member, college_slugs: set[str]) -> bool:
    return ACCOMPANIED_COLLEGE in college_slugs and not member.show_full_name


# Surname parts shorter than this ("de", "le") are too common to tell a name apart; the
# whole surname, separators removed, is always looked for.
_SURNAME_PART_MIN = 3
_SEPARATORS = re.compile(r"[\s\-'’.]+")


def _folded(text: str) -> str:
    """Lower case, no accents, letters and digits only: how names turn into addresses."""
    return "".join(char for char in fold_accents(text) if char.isalnum())


def address_contains_surname(email: str, last_name: str) -> bool:
    """Whether an address spells the family name (nadia.haddad@…, n-le-roux@…, leroux@…)."""
    address = _folded(email)
    if not address or not _folded(last_name):
        return False
    parts = {_folded(last_name)}
    parts |= {
        _folded(part)
        for part in _SEPARATORS.split(last_name)
        if len(_folded(part)) >= _SURNAME_PART_MIN
    }
    return any(part and part in address for part in parts)


def _college_slugs(member: Member) -> set[str]:
    return {membership.college.slug for membership in member.memberships.all()}


def email_tells_hidden_surname(member: Member, college_slugs: set[str] | None = None) -> bool:
    """True when the member's address would show the surname their pseudonym hides.

    Their agreement (``email_shown_with_surname``) only holds for the address they agreed
    to: a new address asks again.
    """
    email = member.user.email
    # Cheapest tests first: the colleges are only read for an address that spells a name.
    if member.show_full_name or not address_contains_surname(email, member.user.last_name):
        return False
    if member.email_shown_with_surname.casefold() == email.casefold():
        return False
    if college_slugs is None:
        college_slugs = _college_slugs(member)
    return is_pseudonymised(member, college_slugs)


def may_see_hidden_surname(viewer: Viewer, member: Member) -> bool:
    """The person themself, and coordination (which holds the full name in the admin)."""
    return viewer.is_self(member) or viewer.is_coordination


def email_withheld(viewer: Viewer, member: Member, college_slugs: set[str] | None = None) -> bool:
    """The address is kept from this viewer because it tells a hidden surname."""
    return not may_see_hidden_surname(viewer, member) and email_tells_hidden_surname(
        member, college_slugs
    )


def name_parts(member: Member, college_slugs: set[str]) -> tuple[str, str]:
    """(family name, given name) as they may be shown: an initial for pseudonymised people."""
    user = member.user
    if is_pseudonymised(member, college_slugs):
        return (f"{user.last_name[:1].upper()}." if user.last_name else "", user.first_name)
    return (user.last_name, user.first_name)


def display_name(member: Member, college_slugs: set[str]) -> str:
    """People of the accompanied college show as first name and initial unless they opt in."""
    family, given = name_parts(member, college_slugs)
    name = f"{given} {family}".strip()
    if name:
        return name
    # A username may be the full name (nadia.haddad): never the fallback of a pseudonym.
    return (
        "Personne accompagnée"
        if is_pseudonymised(member, college_slugs)
        else (member.user.get_username())
    )


def shown_name(member: Member) -> str:
    """The name to show anywhere outside the admin (authors, coordinators, listings).

    Use it instead of ``str(member)``, which is the full name. Prefetch
    ``memberships__college`` for lists.
    """
    slugs = {membership.college.slug for membership in member.memberships.all()}
    return display_name(member, slugs)


class CardFields(TypedDict, total=False):
    """The profile fields a viewer may see, each left out when hidden or empty."""

    email: str
    phone: str
    address: str
    bio: str
    expertise: list[str]


@dataclass
class MemberCard:
    member: Member
    name: str
    colleges: list[College]
    fields: CardFields
    family_name: str = ""
    given_name: str = ""
    # Where the card links to: set by the surface that shows it.
    url: str = ""
    # The square photo's address when the viewer may see it, else "" (initials are shown).
    photo_url: str = ""

    @property
    def initials(self) -> str:
        """Initials of the shown name (so never more than a pseudonym shows)."""
        return "".join(part[:1] for part in (self.given_name, self.family_name) if part).upper()

    @property
    def has_contact(self) -> bool:
        """True when the viewer may see at least one contact field (worth a vCard)."""
        return any(self.fields.get(name) for name in CONTACT_FIELDS)


def card_for(viewer: Viewer, member: Member) -> MemberCard:
    """The member as this viewer may see them (colleges and expertise must be prefetched)."""
    colleges = [membership.college for membership in member.memberships.all()]
    college_ids = {college.pk for college in colleges}
    college_slugs = {college.slug for college in colleges}
    values = {
        "email": member.user.email,
        "phone": member.phone,
        "address": member.address,
        "bio": member.bio,
        "expertise": [tag.name for tag in member.expertise.all()],
    }
    # A subset of values, whose keys are those of CardFields.
    fields = cast(
        CardFields,
        {
            name: value
            for name, value in values.items()
            if value and may_see_field(viewer, member, name, college_ids)
        },
    )
    family, given = name_parts(member, college_slugs)
    card = MemberCard(member, display_name(member, college_slugs), colleges, fields, family, given)
    if may_see_photo(viewer, member, college_ids):
        card.photo_url = rendition_url(member)
    return card


# The photo: its own level (Member.PHOTO_VISIBILITY_LEVELS), read as the other fields'.


def may_see_photo(viewer: Viewer, member: Member, member_college_ids: set[int]) -> bool:
    """Whether this viewer may see the member's photo (False when there is none)."""
    if member.photo_id is None:
        return False
    return may_see_field(viewer, member, "photo", member_college_ids)


def photo_visible_to(user, image) -> bool:
    """Whether ``user`` may open this image's files as an active member's photo.

    Only images of the members' photos collection count: an image chosen elsewhere keeps
    the rule of the pages that use it.
    """
    if not is_member_photo(image):
        return False
    member = (
        Member.objects.filter(photo=image, status=Member.Status.ACTIVE)
        .select_related("user")
        .first()
    )
    if member is None:
        return False
    college_ids = set(member.memberships.values_list("college_id", flat=True))
    return may_see_photo(Viewer.of(user), member, college_ids)
