"""The contact page in Chromium at 375 and 1280 px: a link in every page's footer, a form
with large controls and no serious axe violation, and a message that reaches the
coordination's mailbox through the outbox."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings
from wagtail.models import Site

from cms.contact.models import ContactMessage, ContactSettings
from cms.notifications.models import OutgoingEmail
from tests.a11y import (
    CheckedPage,
    assert_no_blocking_violations,
    browser_session,
    new_context,
    open_checked,
    resolve,
)

pytestmark = [pytest.mark.browser]

PHONE = {"width": 375, "height": 667}
WIDE = {"width": 1280, "height": 800}
WIDTHS = {"375 px": PHONE, "1280 px": WIDE}
MIN_CONTROL_PX = 40
FOOTER_LINK = "footer.site-footer a[href='/contact/']"
OUTBOX = "cms.notifications.outbox.OutboxBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
COORDINATION_ADDRESS = "contact@convention.example.org"

# One page of each type, as the reader who may open it.
PAGE_TYPES = [
    CheckedPage("home", "/", ""),
    CheckedPage("convention", "/paca/", ""),
    CheckedPage("reglement", "/paca/reglement/", ""),
    CheckedPage("dossier", "/paca/dossiers/non-recours-numerique/", ""),
    CheckedPage(
        "contribution", "/paca/dossiers/non-recours-numerique/atelier-demarches-en-ligne-2021/", ""
    ),
    CheckedPage("meeting", "/paca/rencontres/seminaire-acces-aux-droits/", "", user="membre"),
    CheckedPage("directory", "/paca/annuaire/", "", user="membre"),
    CheckedPage("standard", "/aide/", ""),
    CheckedPage("search", "/recherche/?q=numérique", ""),
    CheckedPage("login", "/connexion/", ""),
    CheckedPage("adhesion", "/rejoindre/", ""),
    CheckedPage("profile", "/mon-profil/", "", user="membre"),
    CheckedPage("my-space", "/mon-espace/", "", user="membre"),
    CheckedPage("restricted", "/paca/dossiers/jeunesse-education/", "", user="membre"),
    CheckedPage("not-found", "/cette-page-n-existe-pas/", ""),
    CheckedPage("contact", "/contact/", ""),
]
CONTACT = CheckedPage("contact", "/contact/", "Écrire à la coordination")
CONTACT_ERRORS = CheckedPage(
    "contact-errors", "/contact/", "Écrire à la coordination", submit="Envoyer le message"
)


@pytest.mark.parametrize("viewport", WIDTHS.values(), ids=WIDTHS.keys())
def test_every_page_type_links_to_the_contact_page_in_its_footer(viewport, demo_site_url, chromium):
    resolved = [(checked, *resolve(checked, demo_site_url)) for checked in PAGE_TYPES]
    missing = []
    with browser_session(chromium) as browser:
        for checked, url, cookies in resolved:
            page = new_context(browser, cookies, viewport=viewport).new_page()
            page.goto(url)
            link = page.locator(FOOTER_LINK)
            if link.count() != 1 or link.inner_text().strip() != "Écrire à la coordination":
                missing.append(checked.id)
            elif link.bounding_box()["height"] < 44:
                missing.append(f"{checked.id} (lien de moins de 44 px)")
            page.context.close()
    assert missing == [], f"pages sans lien « Écrire à la coordination » : {missing}"


@pytest.mark.parametrize("viewport", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_contact_forms_controls_are_at_least_40_px_tall(viewport, demo_site_url, chromium):
    url, cookies = resolve(CONTACT, demo_site_url)
    with browser_session(chromium) as browser:
        page = new_context(browser, cookies, viewport=viewport).new_page()
        open_checked(page, CONTACT, url)
        controls = page.locator(
            "main form input:visible:not([type=checkbox]):not([type=hidden]),"
            " main form textarea, main form button"
        )
        heights = {
            controls.nth(i).get_attribute("name") or "button": controls.nth(i).bounding_box()[
                "height"
            ]
            for i in range(controls.count())
        }
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert set(heights) >= {"subject", "message", "reply_email", "button"}
    assert all(height >= MIN_CONTROL_PX for height in heights.values()), heights
    assert not overflow, "the contact page scrolls sideways"


@pytest.mark.parametrize("checked", [CONTACT, CONTACT_ERRORS], ids=["empty", "errors"])
def test_the_contact_page_has_no_serious_accessibility_violation(checked, demo_site_url, chromium):
    url, cookies = resolve(checked, demo_site_url)
    with browser_session(chromium) as browser:
        page = new_context(browser, cookies, viewport=PHONE).new_page()
        open_checked(page, checked, url)
        assert_no_blocking_violations(page)


def test_the_contact_page_weighs_at_most_100_kb(demo_site_url, chromium):
    url, cookies = resolve(CONTACT, demo_site_url)
    with browser_session(chromium) as browser:
        page = new_context(browser, cookies, viewport=WIDE).new_page()
        sizes: list[int] = []
        page.on("response", lambda response: sizes.append(len(response.body())))
        page.goto(url)
        page.wait_for_load_state("networkidle")
    assert sum(sizes) <= 100 * 1024, f"{sum(sizes)} octets"


@pytest.mark.parametrize("viewport", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_message_sent_in_the_browser_reaches_the_coordinations_mailbox(viewport, site, chromium):
    contact_settings = ContactSettings.for_site(Site.objects.get(is_default_site=True))
    contact_settings.coordination_email = COORDINATION_ADDRESS
    contact_settings.save()
    url, cookies = resolve(CONTACT, site)
    with override_settings(EMAIL_BACKEND=OUTBOX, EMAIL_DELIVERY_BACKEND=LOCMEM):
        with browser_session(chromium) as browser:
            page = new_context(browser, cookies, viewport=viewport).new_page()
            open_checked(page, CONTACT, url)
            page.get_by_label("Objet").fill("Une page illisible")
            page.get_by_label("Votre message").fill("Le tableau du dossier logement déborde.")
            page.get_by_label("Adresse électronique pour vous répondre").fill("lea@example.org")
            page.get_by_label("J'accepte que la coordination garde mon adresse").check()
            page.get_by_role("button", name="Envoyer le message").click()
            page.wait_for_load_state()
            heading = page.get_by_role("heading", level=1).inner_text()
            shown = page.locator("main").inner_text()

    assert heading == "Merci, votre message est envoyé"
    assert "lea@example.org" in shown
    message = ContactMessage.objects.get()
    assert (message.subject, message.reply_email) == ("Une page illisible", "lea@example.org")
    [email] = [email for email in mail.outbox if email.to == [COORDINATION_ADDRESS]]
    assert "Le tableau du dossier logement déborde." in email.body
    assert OutgoingEmail.objects.get(recipients=COORDINATION_ADDRESS).sent_at is not None
