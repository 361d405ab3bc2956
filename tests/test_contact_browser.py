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
from tests import a11y
from tests.test_browser_design import MIN_FIELD_PX, MIN_TARGET_PX, PHONE, WIDE, WIDTHS

pytestmark = [pytest.mark.browser]

# Where the screenshots go when asked (CONTACT_SCREENSHOTS=/some/dir), to be looked at.
SCREENSHOTS = a11y.screenshot_folder("CONTACT_SCREENSHOTS")

FOOTER_LINK = "footer.site-footer a[href='/contact/']"
OUTBOX = "cms.notifications.outbox.OutboxBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
COORDINATION_ADDRESS = "contact@convention.example.org"

CONTACT = a11y.checked_page("contact")
CONTACT_ERRORS = a11y.checked_page("contact-errors")


def footer_walk(site: str) -> dict[str | None, list[tuple[str, str]]]:
    """Each address of the checked pages (tests/a11y.py) once (the pages shown after a
    submit are the same address: the walk submits nothing), grouped by reader: (page id,
    URL) per reader."""
    walk: dict[str | None, list[tuple[str, str]]] = {}
    seen: set[tuple[str | None, str]] = set()
    for checked in a11y.CHECKED_PAGES:
        url, _ = a11y.resolve(checked, site)
        if (checked.user, url) not in seen:
            seen.add((checked.user, url))
            walk.setdefault(checked.user, []).append((checked.id, url))
    return walk


FOOTER_LINK_JS = """(selector) => {
    const links = document.querySelectorAll(selector);
    if (links.length !== 1) return {count: links.length};
    return {count: 1, text: links[0].innerText.trim(),
            height: links[0].getBoundingClientRect().height};
}"""


@pytest.mark.parametrize("viewport", WIDTHS.values(), ids=WIDTHS.keys())
def test_every_page_type_links_to_the_contact_page_in_its_footer(viewport, demo_site_url, chromium):
    walk = footer_walk(demo_site_url)
    cookies = {user: a11y.session_cookies(user, demo_site_url) for user in walk}
    assert len(walk) >= 3  # anonymous, a member and coordination each have pages here
    missing = []
    with a11y.browser_session(chromium) as browser:
        # One browser context per reader, the pages opened one after the other in it.
        for user, pages in walk.items():
            page = a11y.new_context(browser, cookies[user], viewport=viewport).new_page()
            for page_id, url in pages:
                page.goto(url)
                link = page.evaluate(FOOTER_LINK_JS, FOOTER_LINK)
                if link["count"] != 1 or link["text"] != "Écrire à la coordination":
                    missing.append(page_id)
                elif link["height"] < MIN_TARGET_PX:
                    missing.append(f"{page_id} (lien de moins de 44 px)")
            page.context.close()
    assert missing == [], f"pages sans lien « Écrire à la coordination » : {missing}"


@pytest.mark.parametrize("viewport", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_contact_forms_controls_are_at_least_40_px_tall(viewport, demo_site_url, chromium):
    url, cookies = a11y.resolve(CONTACT, demo_site_url)
    with a11y.browser_session(chromium) as browser:
        page = a11y.new_context(browser, cookies, viewport=viewport).new_page()
        a11y.open_checked(page, CONTACT, url)
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
        a11y.screenshot_if_asked(page, SCREENSHOTS, f"contact-form-{viewport['width']}.png")
    assert set(heights) >= {"subject", "message", "reply_email", "button"}
    assert all(height >= MIN_FIELD_PX for height in heights.values()), heights
    assert not overflow, "the contact page scrolls sideways"


@pytest.mark.parametrize("checked", [CONTACT, CONTACT_ERRORS], ids=["empty", "errors"])
def test_the_contact_page_has_no_serious_accessibility_violation(checked, demo_site_url, chromium):
    url, cookies = a11y.resolve(checked, demo_site_url)
    with a11y.browser_session(chromium) as browser:
        page = a11y.new_context(browser, cookies, viewport=PHONE).new_page()
        a11y.open_checked(page, checked, url)
        a11y.screenshot_if_asked(page, SCREENSHOTS, f"{checked.id}-375.png")
        a11y.assert_no_blocking_violations(page)


def test_the_contact_page_weighs_at_most_100_kb(demo_site_url, chromium):
    url, cookies = a11y.resolve(CONTACT, demo_site_url)
    with a11y.browser_session(chromium) as browser:
        page = a11y.new_context(browser, cookies, viewport=WIDE).new_page()
        sizes: list[int] = []
        page.on("response", lambda response: sizes.append(len(response.body())))
        page.goto(url)
        page.wait_for_load_state("networkidle")
    assert sum(sizes) <= 100 * 1024, f"{sum(sizes)} octets"


def send_a_message(page, url: str, subject: str) -> tuple[str, str]:
    """Fill the form as a person would and send it; the acknowledgement's h1 and text."""
    a11y.open_checked(page, CONTACT, url)
    page.get_by_label("Objet").fill(subject)
    page.get_by_label("Votre message").fill("Le tableau du dossier logement déborde.")
    page.get_by_label("Adresse électronique pour vous répondre").fill("lea@example.org")
    page.get_by_label("J'accepte que la coordination garde mon adresse").check()
    page.get_by_role("button", name="Envoyer le message").click()
    page.wait_for_load_state()
    return page.get_by_role("heading", level=1).inner_text(), page.locator("main").inner_text()


def test_a_message_sent_in_the_browser_reaches_the_coordinations_mailbox(site, chromium):
    contact_settings = ContactSettings.for_site(Site.objects.get(is_default_site=True))
    contact_settings.coordination_email = COORDINATION_ADDRESS
    contact_settings.save()
    url, cookies = a11y.resolve(CONTACT, site)
    acknowledgements = []
    # One message at each width, each from a fresh browser context (a person of its own).
    with override_settings(EMAIL_BACKEND=OUTBOX, EMAIL_DELIVERY_BACKEND=LOCMEM):
        with a11y.browser_session(chromium) as browser:
            for width, viewport in WIDTHS.items():
                page = a11y.new_context(browser, cookies, viewport=viewport).new_page()
                acknowledgements.append(send_a_message(page, url, f"Envoyé à {width}"))
                a11y.screenshot_if_asked(page, SCREENSHOTS, f"contact-sent-{viewport['width']}.png")
                page.context.close()

    for heading, shown in acknowledgements:
        assert heading == "Merci, votre message est envoyé"
        assert "lea@example.org" in shown
    subjects = set(ContactMessage.objects.values_list("subject", flat=True))
    assert subjects == {"Envoyé à 375 px", "Envoyé à 1280 px"}
    delivered = [email for email in mail.outbox if email.to == [COORDINATION_ADDRESS]]
    assert len(delivered) == 2
    assert all("Le tableau du dossier logement déborde." in email.body for email in delivered)
    rows = OutgoingEmail.objects.filter(recipients=COORDINATION_ADDRESS)
    assert rows.count() == 2 and all(row.sent_at for row in rows)
