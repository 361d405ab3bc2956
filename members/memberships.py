"""A member's colleges, set in one place for the admin, imports and the content loader."""

from __future__ import annotations

from collections.abc import Iterable

from members.models import College, CollegeMembership, Member


def set_colleges(member: Member, colleges: Iterable[College]) -> None:
    """Make the member belong to exactly these colleges; other memberships keep their dates.

    Memberships are created and deleted one at a time through the model, so that the
    ``post_save`` and ``post_delete`` receivers see each one, whatever Django's bulk delete
    would decide: they refresh the referents' permissions (``members.signals``) and the
    pseudonyms shown on the member's contributions (``search.signals``).
    """
    wanted = {college.pk for college in colleges}
    current = set(member.memberships.values_list("college_id", flat=True))
    for membership in member.memberships.filter(college_id__in=current - wanted):
        membership.delete()
    for college_id in wanted - current:
        CollegeMembership.objects.create(member=member, college_id=college_id)
