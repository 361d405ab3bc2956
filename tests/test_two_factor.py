"""Two-factor authentication (issue 10, finding 9): required of coordination and platform
administrators, offered to referents, in French. After the password, whoever has an
authenticator app gives its code before any page (admin or restricted) treats them as who
they are; coordination without one sets it up first. Recovery codes are shown once."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import PageViewRestriction

PASSWORD = "demo-convention"
SETUP = "/connexion/double-authentification/"
VERIFY = "/connexion/verification/"

# The test settings turn enforcement off for the rest of the suite (force_login).
pytestmark = pytest.mark.usefixtures("enforced")


@pytest.fixture
def enforced():
    with override_settings(TWO_FACTOR_ENFORCED=True):
        yield


def user(username: str):
    return get_user_model().objects.get(username=username)


def password_login(client: Client, username: str, path: str = "/connexion/"):
    response = client.post(path, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def app_for(username: str) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user(username), name="Téléphone", confirmed=True)


def restricted_path() -> str:
    return PageViewRestriction.objects.select_related("page").first().page.url


def test_production_settings_enforce_two_factor():
    import cms.settings as production

    assert production.TWO_FACTOR_ENFORCED is True


@pytest.mark.parametrize("username", ["coordination", "admin"])
def test_coordination_without_an_app_is_sent_to_setup_before_the_admin(client, demo, username):
    password_login(client, username, "/admin/login/")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2F"
    restricted = client.get(restricted_path())
    assert restricted.status_code == 302 and restricted["Location"].startswith(SETUP)


def test_the_setup_page_draws_the_qr_code_itself_and_shows_the_key(client, demo):
    password_login(client, "coordination")
    html = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=user("coordination"), confirmed=False)
    assert "<svg" in html and "<path" in html
    assert "otpauth://totp/" in html
    secret = re.search(r'<code class="two-factor-secret">([A-Z2-7 ]+)</code>', html)[1]
    import base64

    assert base64.b32decode(secret.replace(" ", "")) == device.bin_key
    assert "Votre rôle demande une protection renforcée" in html
    assert not re.search(r'(src|href)="https?://', html)


def test_setting_up_the_app_shows_recovery_codes_once_then_opens_the_admin(client, demo):
    password_login(client, "coordination")
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user("coordination"), confirmed=False)
    response = client.post(SETUP, {"action": "confirm", "code": code_of(device), "next": "/admin/"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "ils ne seront plus jamais affichés" in html
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", html)
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200
    again = client.get(SETUP).content.decode()
    assert "La double authentification est activée" in again
    assert not any(code in again for code in codes)


def test_a_wrong_code_does_not_set_up_the_app(client, demo):
    password_login(client, "coordination")
    client.get(SETUP)
    response = client.post(SETUP, {"action": "confirm", "code": "000000"})
    assert "Ce code n’est pas valable" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("login_page", ["/connexion/", "/admin/login/"])
def test_with_an_app_the_password_alone_opens_nothing(client, demo, login_page):
    app_for("coordination")
    password_login(client, "coordination", login_page)
    for path in ["/admin/", "/admin/pages/", restricted_path(), "/mon-espace/", SETUP]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(VERIFY), path
    page = client.get(VERIFY).content.decode()
    assert "Vérification en deux étapes" in page


@pytest.mark.parametrize("login_page", ["/connexion/", "/admin/login/"])
def test_the_app_s_code_completes_the_login(client, demo, login_page):
    device = app_for("coordination")
    password_login(client, "coordination", login_page)
    response = client.post(VERIFY, {"code": code_of(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get(restricted_path()).status_code == 200


def test_a_wrong_code_is_refused_in_french(client, demo):
    app_for("coordination")
    password_login(client, "coordination")
    response = client.post(VERIFY, {"code": "123456"})
    assert response.status_code == 200
    assert "Ce code n’est pas valable" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_recovery_code_works_once(client, demo):
    app_for("coordination")
    static = StaticDevice.objects.create(user=user("coordination"), name="Codes", confirmed=True)
    static.token_set.create(token="abcdefgh")
    password_login(client, "coordination")
    assert client.post(VERIFY, {"code": "ABCD EFGH"}).status_code == 302
    assert client.get("/admin/").status_code == 200

    other = Client()
    password_login(other, "coordination")
    refused = other.post(VERIFY, {"code": "abcdefgh"})
    assert "Ce code n’est pas valable" in refused.content.decode()


def test_the_next_address_must_be_on_this_site(client, demo):
    device = app_for("coordination")
    password_login(client, "coordination")
    response = client.post(VERIFY, {"code": code_of(device), "next": "https://ailleurs.example/"})
    assert response["Location"] == "/admin/"


def test_a_referent_is_offered_two_factor_but_not_required(client, demo):
    password_login(client, "referente")
    assert client.get("/admin/").status_code == 200
    account = client.get("/admin/account/").content.decode()
    assert SETUP in account and "Double authentification" in account
    html = client.get(SETUP).content.decode()
    assert "<svg" in html and "Votre rôle demande" not in html


def test_a_referent_with_an_app_gives_its_code_and_may_turn_it_off(client, demo):
    device = app_for("referente")
    password_login(client, "referente")
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": code_of(device)})
    assert client.get("/admin/").status_code == 200
    client.post(SETUP, {"action": "disable"})
    assert not TOTPDevice.objects.filter(user=user("referente")).exists()


def test_coordination_cannot_turn_two_factor_off(client, demo):
    device = app_for("coordination")
    password_login(client, "coordination")
    client.post(VERIFY, {"code": code_of(device)})
    page = client.post(SETUP, {"action": "disable"}).content.decode()
    assert "ne peut pas être désactivée" in page
    assert TOTPDevice.objects.filter(user=user("coordination")).exists()


def test_the_password_alone_cannot_replace_or_remove_the_app(client, demo):
    app_for("referente")
    password_login(client, "referente")
    for data in [{"action": "disable"}, {"action": "codes"}, {"action": "confirm", "code": "1"}]:
        response = client.post(SETUP, data)
        assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=user("referente"), confirmed=True).count() == 1
    assert not StaticDevice.objects.exists()


def test_renewing_recovery_codes_replaces_the_old_ones(client, demo):
    device = app_for("referente")
    old = StaticDevice.objects.create(user=user("referente"), name="Codes", confirmed=True)
    old.token_set.create(token="anciencd")
    password_login(client, "referente")
    client.post(VERIFY, {"code": code_of(device)})
    html = client.post(SETUP, {"action": "codes"}).content.decode()
    assert len(re.findall(r"<li><code>([a-z2-7]{8})</code></li>", html)) == 10
    assert not StaticToken.objects.filter(token="anciencd").exists()


def test_a_member_is_asked_nothing_more(client, demo):
    password_login(client, "membre")
    assert client.get("/mon-espace/").status_code == 200
    assert client.get(restricted_path()).status_code in {200, 403}
