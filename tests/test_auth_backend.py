"""The model backend reads a user's permissions in one query (members/backends.py), with
the answers of Django's own ``ModelBackend``."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.backends import OneQueryModelBackend

pytestmark = pytest.mark.django_db


def permission(codename: str) -> Permission:
    return Permission.objects.get(codename=codename)


@pytest.fixture
def users() -> dict:
    editors = Group.objects.create(name="Rédaction")
    editors.permissions.add(permission("access_admin"), permission("add_document"))
    make = get_user_model().objects.create_user
    own_and_group = make("both")
    own_and_group.user_permissions.add(permission("change_document"))
    own_and_group.groups.add(editors)
    group_only = make("group")
    group_only.groups.add(editors)
    inactive = make("inactive", is_active=False)
    inactive.groups.add(editors)
    return {
        "both": own_and_group,
        "group": group_only,
        "none": make("none"),
        "inactive": inactive,
        "superuser": get_user_model().objects.create_superuser("root"),
    }


def fresh(user):
    """Another object for the same user: no permission cached on it."""
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.parametrize("name", ["both", "group", "none", "inactive", "superuser"])
def test_the_permissions_are_those_of_djangos_backend(users, name):
    user = users[name]
    expected = ModelBackend().get_all_permissions(fresh(user))
    assert OneQueryModelBackend().get_all_permissions(fresh(user)) == expected


def test_own_and_group_permissions_are_both_granted(users):
    backend = OneQueryModelBackend()
    user = fresh(users["both"])
    assert backend.has_perm(user, "wagtailadmin.access_admin")
    assert backend.has_perm(user, "wagtaildocs.change_document")
    assert not backend.has_perm(user, "wagtaildocs.delete_document")


def test_the_permissions_are_read_in_one_query_per_user_object(users):
    user = fresh(users["both"])
    with CaptureQueriesContext(connection) as queries:
        assert user.has_perm("wagtailadmin.access_admin")
        assert not user.has_perm("wagtaildocs.delete_document")
    assert len(queries) == 1
