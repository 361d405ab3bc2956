"""A new e-mail address takes effect only through the link sent to it (issue 10, finding 4)."""

from __future__ import annotations

import re
import time
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from members import email_change
from members.models import Member
from tests.conftest import COLLEGES, loaded_once, users_of
from tests.conftest import PEOPLE as EVERY_SITUATION
from tests.test_members_admin import edit_data

PROFILE = "/mon-profil/"
CHANGE = "/mon-profil/adresse/"
ADMIN_EDIT = "/admin/members/member/edit/{}/"
PASSWORD = "x-secret-1"

PEOPLE = {
    "users": [
        {
            "username": "ref-pa",
            "password": PASSWORD,
            "first_name": "Rita",
            "last_name": "Référente",
            "email": "rita@example.org",
            "colleges": ["personnes-accompagnees"],
            "roles": ["member", "referent"],
        },
        {
            "username": "alice",
            "password": PASSWORD,
            "first_name": "Alice",
            "last_name": "Accompagnée",
            "email": "alice@example.org",
            "colleges": ["personnes-accompagnees"],
        },
        {
            "username": "bruno",
            "password": PASSWORD,
            "first_name": "Bruno",
            "email": "bruno@example.org",
            "colleges": ["acteurs-formation"],
        },
    ]
}


email_change_site = loaded_once(
    "email_change_site", {"colleges": COLLEGES}, EVERY_SITUATION, PEOPLE
)


staff = users_of("email_change_site", "staff")


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run the after-commit callbacks (the e-mails) of what the block does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def member(username: str) -> Member:
    return Member.objects.select_related("user").get(user__username=username)


def email_of(username: str) -> str:
    return get_user_model().objects.get(username=username).email


def ask_change(client, staff, commits, username="alice", new="alice.neuve@example.org"):
    client.force_login(staff[username])
    with commits():
        return client.post(CHANGE, {"new_email": new, "password": PASSWORD})


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def confirmation_link(address: str) -> str:
    (message,) = sent_to(address)
    return re.search(r"https?://\S+/mon-profil/adresse/confirmer/\S+/", message.body).group(0)


def link_path(link: str) -> str:
    return link[link.index("/mon-profil/") :]


# -- asking ---------------------------------------------------------------------------


def test_email_change_waits_for_the_confirmation_link(client, staff, commits):
    response = ask_change(client, staff, commits)
    assert response.status_code == 302
    assert email_of("alice") == "alice@example.org"
    assert member("alice").pending_email == "alice.neuve@example.org"
    assert confirmation_link("alice.neuve@example.org")


def test_profile_says_where_the_confirmation_link_went(client, staff, commits):
    ask_change(client, staff, commits)
    text = client.get(PROFILE).content.decode()
    assert "Un lien de confirmation a été envoyé à alice.neuve@example.org" in text
    assert "attend sa confirmation" in text


def test_old_address_is_told_of_an_email_change(client, staff, commits):
    ask_change(client, staff, commits)
    (notice,) = sent_to("alice@example.org")
    assert "alice.neuve@example.org" in notice.body
    assert "/mon-profil/adresse/confirmer/" not in notice.body


def test_password_reset_still_goes_to_the_old_address_until_confirmed(client, staff, commits):
    ask_change(client, staff, commits)
    mail.outbox.clear()
    client.logout()
    client.post(reverse("password_reset"), {"email": "alice.neuve@example.org"})
    assert mail.outbox == []


def test_email_change_needs_the_current_password(client, staff, commits):
    client.force_login(staff["alice"])
    with commits():
        response = client.post(CHANGE, {"new_email": "x@example.org", "password": "mauvais"})
    assert response.status_code == 200
    assert "Ce mot de passe n&#x27;est pas le bon." in response.content.decode()
    assert member("alice").pending_email == ""
    assert mail.outbox == []


def test_email_change_to_an_address_with_an_account_answers_the_same(client, staff, commits):
    response = ask_change(client, staff, commits, new="bruno@example.org")
    assert response.status_code == 302
    assert member("alice").pending_email == ""
    (message,) = sent_to("bruno@example.org")
    assert "déjà celle d'un autre compte" in message.body
    assert "/confirmer/" not in message.body


def test_mail_failure_does_not_break_the_email_change(client, staff, commits):
    with mock.patch("members.email_change.send_mail", side_effect=OSError("no server")):
        response = ask_change(client, staff, commits)
    assert response.status_code == 302
    assert member("alice").pending_email == "alice.neuve@example.org"


def test_email_change_page_is_for_logged_in_members(client, staff):
    response = client.get(CHANGE)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# -- confirming -------------------------------------------------------------------------


def test_confirmation_link_changes_the_address_without_being_logged_in(client, staff, commits):
    ask_change(client, staff, commits)
    path = link_path(confirmation_link("alice.neuve@example.org"))
    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    assert email_of("alice") == "alice@example.org"  # a mail scanner's GET changes nothing
    response = client.post(path)
    assert response.status_code == 200
    assert "Votre nouvelle adresse est confirmée" in response.content.decode()
    assert email_of("alice") == "alice.neuve@example.org"
    assert member("alice").pending_email == ""


def assert_link_refused(client, path: str, reason: str = "") -> None:
    """The confirmation page answers 400 with ``reason``, and Alice keeps her address."""
    response = client.post(path)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert email_of("alice") == "alice@example.org"


def confirm_path(token: str) -> str:
    return reverse("members:email_confirm", args=[token])


def test_used_email_confirmation_link_is_refused(client, staff, commits):
    ask_change(client, staff, commits)
    path = link_path(confirmation_link("alice.neuve@example.org"))
    client.post(path)
    response = client.post(path)
    assert response.status_code == 400
    assert "déjà servi" in response.content.decode()


def test_expired_email_confirmation_link_is_refused(client, staff, commits):
    ask_change(client, staff, commits)
    four_days_ago = time.time() - 4 * 86400
    with mock.patch("django.core.signing.time.time", return_value=four_days_ago):
        token = email_change.make_token(member("alice"))
    assert_link_refused(client, confirm_path(token), "Ce lien a expiré")


def test_forged_email_confirmation_link_is_refused(client, staff, commits):
    ask_change(client, staff, commits)
    token = email_change.make_token(member("alice"))
    for forged in (token[:-2] + "xx", "abc", "e30:1tZ9:zz", token.replace(":", "-")):
        assert_link_refused(client, confirm_path(forged), "pas valide")


def test_a_newer_request_replaces_the_older_link(client, staff, commits):
    ask_change(client, staff, commits)
    first = link_path(confirmation_link("alice.neuve@example.org"))
    ask_change(client, staff, commits, new="alice.autre@example.org")
    assert_link_refused(client, first)


def test_confirmation_refuses_an_address_taken_meanwhile(client, staff, commits):
    ask_change(client, staff, commits)
    path = link_path(confirmation_link("alice.neuve@example.org"))
    get_user_model().objects.filter(username="bruno").update(email="Alice.Neuve@example.org")
    assert_link_refused(client, path, "celle d&#x27;un autre compte")


def test_cancelling_a_pending_change_stops_its_link(client, staff, commits):
    ask_change(client, staff, commits)
    path = link_path(confirmation_link("alice.neuve@example.org"))
    client.post(reverse("members:email_change_cancel"))
    assert member("alice").pending_email == ""
    assert_link_refused(client, path)


# -- in the admin ---------------------------------------------------------------------------


def test_referent_email_change_in_the_admin_waits_for_the_link(client, staff, commits):
    client.force_login(staff["ref-pa"])
    url = ADMIN_EDIT.format(member("alice").pk)
    with commits():
        response = client.post(url, edit_data("alice", email="rita.perso@example.org"))
    assert response.status_code == 302
    assert email_of("alice") == "alice@example.org"
    assert member("alice").pending_email == "rita.perso@example.org"
    (link_mail,) = sent_to("rita.perso@example.org")
    assert "Rita Référente a indiqué cette adresse" in link_mail.body
    (notice,) = sent_to("alice@example.org")
    assert "Rita Référente a demandé" in notice.body
    text = client.get(response["Location"]).content.decode()
    assert "Un lien de confirmation a été envoyé à rita.perso@example.org" in text


def test_coordination_email_change_in_the_admin_waits_for_the_link(client, staff, commits):
    client.force_login(staff["coord"])
    url = ADMIN_EDIT.format(member("bruno").pk)
    with commits():
        client.post(url, edit_data("bruno", email="bruno.neuf@example.org"))
    assert email_of("bruno") == "bruno@example.org"
    assert confirmation_link("bruno.neuf@example.org")


def test_saving_the_admin_form_unchanged_keeps_a_pending_change(client, staff, commits):
    ask_change(client, staff, commits)
    client.force_login(staff["coord"])
    client.post(ADMIN_EDIT.format(member("alice").pk), edit_data("alice", fonction="Bénévole"))
    assert member("alice").pending_email == "alice.neuve@example.org"


def test_admin_cannot_remove_an_accounts_address(client, staff):
    client.force_login(staff["coord"])
    response = client.post(ADMIN_EDIT.format(member("alice").pk), edit_data("alice", email=""))
    assert response.status_code == 200
    assert email_of("alice") == "alice@example.org"
