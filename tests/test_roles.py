"""Roles map to groups through one service; ending a membership removes access."""

import pytest
from django.contrib.auth.models import Group

from members.models import College, Member
from members.roles import (
    COORDINATION_GROUP,
    MEMBERS_GROUP,
    REFERENTS_GROUP,
    UnknownRole,
    apply_roles,
    end_membership,
    roles_of,
    sync_access,
)
from tests.conftest import load


def group_names(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def member(username: str) -> Member:
    return Member.objects.select_related("user").get(user__username=username)


def test_a_member_is_in_the_members_group_and_their_colleges(people):
    assert group_names(people["deux"]) == {
        MEMBERS_GROUP,
        "Collège : Personnes accompagnées",
        "Collège : Collectivités territoriales",
    }


def test_a_user_without_college_or_role_has_no_group(people):
    assert group_names(people["sans-college"]) == set()


def test_referent_role_adds_the_referents_group_and_marks_each_college(people):
    apply_roles(member("deux"), ["member", "referent"])
    assert REFERENTS_GROUP in group_names(people["deux"])
    assert all(m.is_referent for m in member("deux").memberships.all())
    assert roles_of(member("deux")) == ["member", "referent"]


def test_coordination_role_adds_the_coordination_group(people):
    assert COORDINATION_GROUP in group_names(people["coord"])


def test_admin_role_makes_a_superuser(colleges):
    load({"users": [{"username": "root", "roles": ["admin"]}]})
    user = member("root").user
    assert user.is_superuser and user.is_staff


def test_removing_a_role_removes_its_group(people):
    apply_roles(member("coord"), ["member"])
    assert COORDINATION_GROUP not in group_names(people["coord"])


def test_unknown_role_is_refused(people):
    with pytest.raises(UnknownRole):
        apply_roles(member("pa"), ["member", "president"])


def test_ending_a_membership_removes_every_managed_group(people):
    end_membership(member("deux"))
    assert group_names(people["deux"]) == set()
    assert member("deux").status == Member.Status.FORMER
    assert member("deux").left_on is not None


def test_ending_a_membership_keeps_groups_not_managed_by_roles(people):
    editors = Group.objects.create(name="Rédaction du bulletin")
    people["pa"].groups.add(editors)
    end_membership(member("pa"))
    assert group_names(people["pa"]) == {"Rédaction du bulletin"}


def test_ending_an_admin_membership_removes_superuser(colleges):
    load({"users": [{"username": "root", "roles": ["admin"]}]})
    end_membership(member("root"))
    assert not member("root").user.is_superuser


def test_a_former_member_loses_access_to_members_pages(client, people):
    load({"pages": [{"type": "convention", "slug": "c", "title": "C", "visibility": "members"}]})
    client.force_login(people["pa"])
    assert client.get("/c/").status_code == 200
    end_membership(member("pa"))
    assert client.get("/c/").status_code == 403


def test_leaving_a_college_removes_its_group(people):
    pa = member("deux")
    pa.memberships.filter(college__slug="collectivites-territoriales").delete()
    sync_access(pa)
    assert "Collège : Collectivités territoriales" not in group_names(people["deux"])


def test_renaming_a_college_renames_its_group(colleges):
    college = College.objects.get(slug="acteurs-formation")
    college.name = "Formation et recherche"
    college.save()
    college.group.refresh_from_db()
    assert college.group.name == "Collège : Formation et recherche"
