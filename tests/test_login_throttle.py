"""Login throttling (issue 10, finding 8): repeated wrong passwords suspend the login of an
account from an address, and of an address for every account, for a while, the right
password included; the page says when to retry; coordination lifts a suspension in the
admin; password reset requests are limited the same way, per address and per client."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

PASSWORD = "demo-convention"
LOGIN_PAGES = ["/connexion/", "/admin/login/"]
LOCKOUTS = "/admin/connexions-suspendues/"
RESET = "/mot-de-passe/oublie/"


def attempt(client: Client, path: str, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("path", LOGIN_PAGES)
def test_five_wrong_passwords_suspend_the_account_even_with_the_right_one(client, demo, path):
    for _ in range(4):
        assert attempt(client, path, "membre", "mauvais").status_code == 200
    fifth = attempt(client, path, "membre", "mauvais")
    assert fifth.status_code == 429
    assert "Trop de tentatives de connexion" in fifth.content.decode()

    right = attempt(client, path, "membre", PASSWORD)
    assert right.status_code == 429
    assert not logged_in(client)


@pytest.mark.parametrize("path", LOGIN_PAGES)
def test_fewer_wrong_passwords_than_the_limit_still_let_the_right_one_in(client, demo, path):
    for _ in range(4):
        attempt(client, path, "membre", "mauvais")
    assert attempt(client, path, "membre", PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_suspension_page_says_in_french_when_to_retry(client, demo):
    for _ in range(5):
        response = attempt(client, "/connexion/", "membre", "mauvais")
    html = response.content.decode()
    retry_at = timezone.localtime(timezone.now() + timedelta(minutes=15))
    match = re.search(r"Réessayez après (\d\d) h (\d\d)", html)
    assert match, html
    shown = retry_at.replace(hour=int(match[1]), minute=int(match[2]))
    assert abs((shown - retry_at).total_seconds()) <= 120
    assert "15 minutes" in html
    assert 'lang="fr"' in html


def test_a_suspension_holds_for_that_address_only(client, demo):
    for _ in range(5):
        attempt(client, "/connexion/", "membre", "mauvais", ip="10.0.0.1")
    assert attempt(client, "/connexion/", "membre", PASSWORD, ip="10.0.0.2").status_code == 302
    assert logged_in(client)


def test_an_address_that_tries_many_accounts_is_suspended_for_all_of_them(client, demo):
    # Four tries on each of five accounts: no account reaches five, the address reaches 20.
    for username in ["a1", "a2", "a3", "a4", "a5"]:
        for _ in range(4):
            attempt(client, "/connexion/", username, "mauvais", ip="10.0.0.9")
    response = attempt(client, "/connexion/", "membre", PASSWORD, ip="10.0.0.9")
    assert response.status_code == 429
    assert not logged_in(client)
    assert attempt(client, "/connexion/", "membre", PASSWORD, ip="10.0.0.8").status_code == 302


def test_a_suspension_ends_after_fifteen_minutes(client, demo):
    for _ in range(5):
        attempt(client, "/connexion/", "membre", "mauvais")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(client, "/connexion/", "membre", PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_reset_the_count(client, demo):
    for index in range(5):
        client.post(
            "/connexion/",
            {"username": "membre", "password": "mauvais"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{index}",
        )
    assert attempt(client, "/connexion/", "membre", PASSWORD).status_code == 429


def test_coordination_lists_and_lifts_a_suspension_in_the_admin(client, demo):
    for _ in range(5):
        attempt(client, "/connexion/", "membre", "mauvais")

    admin = Client()
    admin.force_login(get_user_model().objects.get(username="coordination"))
    dashboard = admin.get("/admin/").content.decode()
    assert LOCKOUTS in dashboard
    listing = admin.get(LOCKOUTS)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "membre" in html and "10.0.0.1" in html and "Débloquer" in html

    lifted = admin.post(
        LOCKOUTS, {"kind": "account", "username": "membre", "ip_address": "10.0.0.1"}
    )
    assert lifted.status_code == 302
    assert "Aucune connexion n’est suspendue" in admin.get(LOCKOUTS).content.decode()
    assert attempt(client, "/connexion/", "membre", PASSWORD).status_code == 302


def test_coordination_lifts_the_suspension_of_an_address(client, demo):
    for username in ["a1", "a2", "a3", "a4", "a5"]:
        for _ in range(4):
            attempt(client, "/connexion/", username, "mauvais", ip="10.0.0.9")
    admin = Client()
    admin.force_login(get_user_model().objects.get(username="admin"))
    assert "Tous les comptes" in admin.get(LOCKOUTS).content.decode()
    admin.post(LOCKOUTS, {"kind": "address", "username": "", "ip_address": "10.0.0.9"})
    assert attempt(client, "/connexion/", "membre", PASSWORD, ip="10.0.0.9").status_code == 302


@pytest.mark.parametrize("username", ["referente", "membre"])
def test_only_coordination_sees_or_lifts_suspensions(client, demo, username):
    for _ in range(5):
        attempt(Client(), "/connexion/", "membre", "mauvais")
    client.force_login(get_user_model().objects.get(username=username))
    assert client.get(LOCKOUTS).status_code in {302, 403}
    client.post(LOCKOUTS, {"kind": "account", "username": "membre", "ip_address": "10.0.0.1"})
    assert AccessAttempt.objects.filter(username="membre").exists()
    if username == "referente":
        assert LOCKOUTS not in client.get("/admin/").content.decode()


def reset_request(client: Client, email: str, ip: str = "10.0.0.1"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=ip)


def without_token(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_password_reset_requests_are_limited_per_address(client, demo):
    email = get_user_model().objects.get(username="membre").email
    for _ in range(3):
        assert reset_request(client, email).status_code == 302
    assert len(mail.outbox) == 3
    refused = reset_request(client, email.upper(), ip="10.0.0.2")
    assert refused.status_code == 429
    assert "Trop de demandes de nouveau mot de passe" in refused.content.decode()
    assert re.search(r"Réessayez après \d\d h \d\d", refused.content.decode())
    assert len(mail.outbox) == 3


def test_password_reset_answers_the_same_whether_or_not_the_address_exists(client, demo):
    known = get_user_model().objects.get(username="membre").email
    unknown = "personne@example.org"
    answers = {}
    for email in [known, unknown]:
        statuses = [reset_request(Client(), email, ip=f"10.0.1.{len(answers)}").status_code]
        statuses += [reset_request(Client(), email, ip="10.0.2.1").status_code for _ in range(2)]
        refused = reset_request(Client(), email, ip="10.0.3.1")
        answers[email] = (statuses, refused.status_code, without_token(refused))
    assert answers[known][:2] == answers[unknown][:2] == ([302, 302, 302], 429)
    assert answers[known][2].replace(known, "X") == answers[unknown][2].replace(unknown, "X")


def test_password_reset_requests_are_limited_per_client_address(client, demo):
    for index in range(10):
        assert reset_request(client, f"inconnu{index}@example.org").status_code == 302
    assert reset_request(client, "encore@example.org").status_code == 429
    assert reset_request(client, "encore@example.org", ip="10.0.0.2").status_code == 302


def test_the_admin_s_own_password_reset_is_off(client, demo):
    # It would be a second, unthrottled way to ask for reset links.
    assert client.get("/admin/password_reset/").status_code == 404
