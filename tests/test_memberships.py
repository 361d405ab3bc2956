"""Setting a member's colleges: the same behaviour from the admin, imports and the loader."""

from __future__ import annotations

import datetime

import pytest
from guardian.shortcuts import get_perms

from members.memberships import set_colleges
from members.models import College, CollegeMembership, Member
from tests.conftest import load

pytestmark = pytest.mark.django_db


def referents_may_change(college_slug: str, member: Member) -> bool:
    college = College.objects.get(slug=college_slug)
    return "change_member" in get_perms(college.referents_group, member)


@pytest.fixture
def deux(people) -> Member:
    """A member of two colleges: personnes accompagnées and collectivités territoriales."""
    return Member.objects.get(user__username="deux")


def test_leaving_a_college_takes_the_right_away_from_its_referents(deux):
    set_colleges(deux, [College.objects.get(slug="personnes-accompagnees")])

    assert not referents_may_change("collectivites-territoriales", deux)
    assert referents_may_change("personnes-accompagnees", deux)


def test_joining_a_college_gives_its_referents_the_right(deux):
    colleges = College.objects.filter(slug__in=["personnes-accompagnees", "acteurs-formation"])

    set_colleges(deux, colleges)

    assert referents_may_change("acteurs-formation", deux)


def test_a_kept_membership_keeps_its_date(deux):
    kept = deux.memberships.get(college__slug="personnes-accompagnees")
    CollegeMembership.objects.filter(pk=kept.pk).update(since=datetime.date(2020, 5, 4))

    set_colleges(deux, [kept.college])

    assert deux.memberships.get().since == datetime.date(2020, 5, 4)


def test_the_content_loader_takes_the_right_away_when_a_college_leaves_the_file(deux):
    load({"users": [{"username": "deux", "colleges": ["personnes-accompagnees"]}]})

    assert not referents_may_change("collectivites-territoriales", deux)
    assert list(deux.memberships.values_list("college__slug", flat=True)) == [
        "personnes-accompagnees"
    ]
