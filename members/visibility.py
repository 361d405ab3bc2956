"""What a viewer may see of a member's profile: display name and contact fields."""

from __future__ import annotations

from dataclasses import dataclass

from members.models import College, Member
from members.roles import COORDINATION_GROUP, MEMBERS_GROUP

ACCOMPANIED_COLLEGE = "personnes-accompagnees"


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


def may_see_field(viewer: Viewer, member: Member, field: str, member_college_ids: set[int]) -> bool:
    if viewer.user_id is not None and viewer.user_id == member.user_id:
        return True
    level = member.visibility_of(field)
    if level == Member.Visibility.PUBLIC:
        return True
    if level == Member.Visibility.MEMBERS:
        return viewer.is_member
    if level == Member.Visibility.COLLEGE:
        return viewer.is_coordination or bool(viewer.college_ids & member_college_ids)
    return False


def pseudonymised_members():
    """Members whose last name must not be shown, nor matched by a search."""
    return Member.objects.filter(
        memberships__college__slug=ACCOMPANIED_COLLEGE, show_full_name=False
    ).values("pk")


def display_name(member: Member, college_slugs: set[str]) -> str:
    """People of the accompanied college show as first name and initial unless they opt in."""
    user = member.user
    if ACCOMPANIED_COLLEGE in college_slugs and not member.show_full_name:
        initial = f" {user.last_name[:1].upper()}." if user.last_name else ""
        return f"{user.first_name}{initial}".strip() or user.get_username()
    return user.get_full_name() or user.get_username()


@dataclass
class MemberCard:
    member: Member
    name: str
    colleges: list[College]
    fields: dict[str, object]


def card_for(viewer: Viewer, member: Member) -> MemberCard:
    """The member as this viewer may see them (colleges and expertise must be prefetched)."""
    colleges = [membership.college for membership in member.memberships.all()]
    college_ids = {college.pk for college in colleges}
    values = {
        "email": member.user.email,
        "phone": member.phone,
        "address": member.address,
        "bio": member.bio,
        "expertise": [tag.name for tag in member.expertise.all()],
    }
    fields = {
        name: value
        for name, value in values.items()
        if value and may_see_field(viewer, member, name, college_ids)
    }
    return MemberCard(member, display_name(member, {c.slug for c in colleges}), colleges, fields)
