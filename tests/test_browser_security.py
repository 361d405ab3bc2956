"""Lockout and two-factor authentication in Chromium (issue 10, findings 8 and 9): wrong
passwords lead to the French suspension page; coordination sets up an authenticator app,
then logs in to the admin with its code."""

from __future__ import annotations

import base64
import re

from django.test import override_settings
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from tests.a11y import DEMO_PASSWORD, browser_session, new_context
from tests.browser import WRITING_BROWSER_TESTS

pytestmark = WRITING_BROWSER_TESTS


def fill_login(page: Page, username: str, password: str) -> None:
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def code_for(secret: str, steps_ahead: int = 0) -> str:
    """The app's code for this key, now or ``steps_ahead`` periods of 30 s later."""
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key, drift=steps_ahead):06d}"


def test_wrong_passwords_lead_to_the_french_suspension_page(site, chromium):
    with browser_session(chromium) as browser:
        page = new_context(browser).new_page()
        page.goto(f"{site}/connexion/")
        for _ in range(4):
            fill_login(page, "membre", "pas-le-bon")
            expect(page.get_by_role("alert")).to_contain_text("Identifiant ou mot de passe")
        fill_login(page, "membre", "pas-le-bon")
        expect(page.get_by_role("heading", level=1)).to_have_text("Connexion suspendue")
        retry = re.compile(r"Réessayez après \d\d h \d\d")
        expect(page.get_by_role("alert")).to_contain_text(retry)

        # The right password changes nothing until the wait is over.
        page.goto(f"{site}/connexion/")
        fill_login(page, "membre", DEMO_PASSWORD)
        expect(page.get_by_role("heading", level=1)).to_have_text("Connexion suspendue")


@override_settings(TWO_FACTOR_ENFORCED=True)
def test_coordination_sets_up_an_app_then_logs_in_to_the_admin_with_its_code(site, chromium):
    with browser_session(chromium) as browser:
        context = new_context(browser)
        page = context.new_page()
        external = []
        page.on(
            "request",
            lambda request: (
                external.append(request.url)
                if not request.url.startswith((site, "data:", "blob:"))
                else None
            ),
        )
        violations = []
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )

        # Password first: the admin is out of reach until an app is set up.
        page.goto(f"{site}/admin/login/")
        page.locator("#id_username").fill("coordination")
        page.locator("#id_password").fill(DEMO_PASSWORD)
        page.locator("button[type=submit]").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Activer la double authentification"
        )
        expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
        secret = page.locator("code.two-factor-secret").first.inner_text()

        page.get_by_label("Code de vérification").fill(code_for(secret))
        page.get_by_role("button", name="Activer").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Vos codes de secours")
        expect(page.locator(".two-factor-codes li")).to_have_count(10)
        page.get_by_role("link", name="J’ai noté mes codes, continuer").click()
        expect(page).to_have_url(f"{site}/admin/")

        # A new session: password, then the code of the next period (each code serves once).
        context.clear_cookies()
        page.goto(f"{site}/admin/login/")
        page.locator("#id_username").fill("coordination")
        page.locator("#id_password").fill(DEMO_PASSWORD)
        page.locator("button[type=submit]").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Vérification en deux étapes")
        page.get_by_label("Code de vérification").fill("000000")
        page.get_by_role("button", name="Vérifier").click()
        expect(page.locator(".field__error")).to_contain_text("Ce code n’est pas valable")
        page.wait_for_timeout(1100)  # django-otp slows down retries after a wrong code.
        page.get_by_label("Code de vérification").fill(code_for(secret, steps_ahead=1))
        page.get_by_role("button", name="Vérifier").click()
        expect(page).to_have_url(f"{site}/admin/")
        expect(page.locator("main")).to_be_visible()
        page.goto(f"{site}/admin/pages/")
        expect(page).to_have_url(f"{site}/admin/pages/")

        assert external == []
        assert violations == []
