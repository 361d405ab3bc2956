"""Who may change a member's identity in the admin, and the audit log of member changes
(issue 10, finding 4)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from wagtail.models import ModelLogEntry

from members.admin_forms import IDENTITY_FIELDS
from members.audit import MEMBER_CHANGED
from members.models import Member
from tests.conftest import load
from tests.test_members_admin import edit_data

EDIT = "/admin/members/member/edit/{}/"
HISTORY = "/admin/members/member/history/{}/"

PEOPLE = {
    "users": [
        {
            "username": "ref-pa",
            "password": "x-secret-1",
            "first_name": "Odile",
            "last_name": "Référente",
            "email": "odile@example.org",
            "colleges": ["personnes-accompagnees"],
            "roles": ["member", "referent"],
        },
        {
            # In the referent's college and in another one she does not refer.
            "username": "farid",
            "first_name": "Farid",
            "last_name": "Partagé",
            "email": "farid@example.org",
            "colleges": ["personnes-accompagnees", "collectivites-territoriales"],
            "profile": {"phone": "04 00 00 00 86", "fonction": "Chargé de mission"},
        },
        {
            "username": "alice",
            "first_name": "Alice",
            "last_name": "Accompagnée",
            "email": "alice@example.org",
            "colleges": ["personnes-accompagnees"],
            "profile": {"phone": "04 11 22 33 44"},
        },
    ]
}


@pytest.fixture
def staff(people):
    load(PEOPLE)
    return {user.username: user for user in get_user_model().objects.all()}


def member(username: str) -> Member:
    return Member.objects.select_related("user").get(user__username=username)


def edit(client, staff, by: str, username: str, **changes):
    client.force_login(staff[by])
    return client.post(EDIT.format(member(username).pk), edit_data(username, **changes))


def change_entries(username: str):
    return ModelLogEntry.objects.filter(
        action=MEMBER_CHANGED, object_id=str(member(username).pk)
    ).order_by("-timestamp")


# -- identity fields -----------------------------------------------------------------------


def test_referent_changing_a_shared_members_email_does_not_take_effect(
    client, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, staff, "ref-pa", "farid", email="odile.perso@example.org")
    farid = member("farid")
    assert farid.user.email == "farid@example.org"
    assert farid.pending_email == ""
    assert not [m for m in mail.outbox if "odile.perso@example.org" in m.to]
    # The rest of the takeover: a reset asked for her address reaches no one's account.
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "odile.perso@example.org"})
    assert mail.outbox == []


def test_referent_cannot_edit_identity_of_a_member_of_another_college(client, staff):
    client.force_login(staff["ref-pa"])
    form = client.get(EDIT.format(member("farid").pk)).context["form"]
    assert all(form.fields[name].disabled for name in IDENTITY_FIELDS)
    assert "tous les collèges" in form.fields["email"].help_text
    response = edit(
        client,
        staff,
        "ref-pa",
        "farid",
        first_name="Piraté",
        last_name="Piraté",
        status=Member.Status.FORMER,
        fonction="Coordinateur",
    )
    assert response.status_code == 302
    farid = member("farid")
    assert (farid.user.first_name, farid.user.last_name) == ("Farid", "Partagé")
    assert farid.status == Member.Status.ACTIVE
    assert farid.fonction == "Coordinateur"  # the profile fields stay hers to edit


def test_referent_edits_identity_of_a_member_all_of_whose_colleges_she_refers(client, staff):
    client.force_login(staff["ref-pa"])
    form = client.get(EDIT.format(member("alice").pk)).context["form"]
    assert not any(form.fields[name].disabled for name in IDENTITY_FIELDS)
    edit(client, staff, "ref-pa", "alice", last_name="Durand")
    assert member("alice").user.last_name == "Durand"


def test_coordination_edits_identity_of_a_shared_member(client, staff):
    client.force_login(staff["coord"])
    form = client.get(EDIT.format(member("farid").pk)).context["form"]
    assert not any(form.fields[name].disabled for name in IDENTITY_FIELDS)
    edit(client, staff, "coord", "farid", last_name="Mansouri", status=Member.Status.FORMER)
    farid = member("farid")
    assert (farid.user.last_name, farid.status) == ("Mansouri", Member.Status.FORMER)


# -- audit log --------------------------------------------------------------------------------


def test_member_change_by_someone_else_is_in_the_audit_log(client, staff):
    edit(client, staff, "ref-pa", "alice", phone="04 99 99 99 99", fonction="Pair-aidante")
    (entry,) = change_entries("alice")
    assert entry.user == staff["ref-pa"]
    assert entry.timestamp is not None
    assert set(entry.data["fields"]) == {"phone", "fonction"}
    # Names of the fields, never their values: the log must not show a hidden phone.
    assert "04 99 99 99 99" not in str(entry.data)
    assert "04 11 22 33 44" not in str(entry.data)


def test_member_change_is_shown_in_the_members_history(client, staff):
    edit(client, staff, "ref-pa", "alice", phone="04 99 99 99 99")
    client.force_login(staff["coord"])
    text = client.get(HISTORY.format(member("alice").pk)).content.decode()
    assert "Modifié : Téléphone" in text
    assert "Odile Référente" in text


def test_audit_log_tells_a_pending_email_change_without_the_address(
    client, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, staff, "ref-pa", "alice", email="odile.perso@example.org")
    (entry,) = change_entries("alice")
    assert entry.data["email_pending"] is True
    assert "odile.perso" not in str(entry.data)
    client.force_login(staff["coord"])
    text = client.get(HISTORY.format(member("alice").pk)).content.decode()
    assert "Adresse électronique (en attente de confirmation)" in text


def test_saving_without_a_change_logs_nothing(client, staff):
    edit(client, staff, "ref-pa", "alice")
    assert not change_entries("alice").exists()
