"""Three journeys made with the keyboard only, in Chromium: a reader, a member, an editor.

Only the first page is opened with an address; then the tests press Tab, Shift+Tab, Enter,
Space and type, as a person without a mouse does. Each link, button or field the focus
passes on must show a focus indicator (tests/a11y.py, tab_to), and the skip link must move
the focus to the main content. The same journeys with clicks are at the end of this file
where tests/test_browser.py and tests/test_browser_directory.py do not already cover them.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.a11y import (
    DEMO_PASSWORD,
    browser_session,
    focused_element,
    new_context,
    skip_to_content,
    tab_to,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CONVENTION = "Convention régionale Provence-Alpes-Côte d'Azur"
DOSSIER = "Non-recours et fracture numérique"
CONTRIBUTION = "Démarches en ligne : ce qui aide vraiment"
SEARCHED_WORD = "numérique"
SEARCH_RESULT = "Un lieu d'aide au numérique près de chez soi"

MEMBER = "yannick"  # Collège des collectivités territoriales.
# Typed on the closed list of colleges: a space would open it, an accent is not a key press.
MEMBER_COLLEGE_TYPED = "Collectivit"
MEMBER_COLLEGE_SLUG = "collectivites-territoriales"
COLLEAGUE = "Sylvie Pastor"
COLLEGE_DOSSIER = "Jeunesse et éducation"  # Only two colleges, the member's among them.
MEETING = "Séminaire : l'accès aux droits à l'heure des démarches en ligne"
REGISTER = "S’inscrire à la rencontre"
REGISTERED = "Vous êtes inscrit·e à cette rencontre"

EDITOR = "coordination"
NEW_CONTRIBUTION = "Atelier clavier : compte rendu saisi sans souris"
NEW_SUMMARY = "Un compte rendu saisi au clavier, pour vérifier que l'administration le permet."


def expect_h1(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def follow(page: Page, name: str, h1: str | None = None, **where) -> None:
    """Tab to the link `name` and press Enter; the page it opens has the h1 `h1`."""
    tab_to(page, name, tag="a", **where)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect_h1(page, h1 or name)


def open_convention_from_header(page: Page) -> None:
    follow(page, CONVENTION)


def log_in_by_keyboard(page: Page, username: str) -> None:
    """On the login form, whose username field has the focus when the page opens."""
    focused = focused_element(page)
    assert focused is not None and focused["name"] == "Identifiant", focused
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert focused_element(page)["name"] == "Mot de passe"
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("banner").get_by_role("link", name="Mon profil")).to_be_visible()


# Keyboard only


def public_reader_journey(page: Page, site: str) -> None:
    page.goto(site + "/")
    skip_to_content(page)
    follow(page, CONVENTION, in_main=True)

    skip_to_content(page)
    follow(page, "Dossiers thématiques", in_main=True)

    skip_to_content(page)
    follow(page, DOSSIER, in_main=True)

    skip_to_content(page)
    follow(page, CONTRIBUTION, in_main=True)

    tab_to(page, "Rechercher", tag="input")
    page.keyboard.type(SEARCHED_WORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/recherche/\?q="))

    skip_to_content(page)
    follow(page, SEARCH_RESULT, in_main=True)


def member_journey(page: Page, site: str) -> None:
    page.goto(site + "/connexion/")
    log_in_by_keyboard(page, MEMBER)

    open_convention_from_header(page)
    skip_to_content(page)
    follow(page, "Annuaire des membres", in_main=True)

    skip_to_content(page)
    tab_to(page, "Collège", tag="select", in_main=True)
    # Typing on a closed list selects the first option that starts with the letters typed.
    page.keyboard.type(MEMBER_COLLEGE_TYPED)
    assert page.evaluate("document.activeElement.value") == MEMBER_COLLEGE_SLUG
    tab_to(page, "Rechercher", tag="button", in_main=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"[?&]college={MEMBER_COLLEGE_SLUG}(&|$)"))

    # The form's address kept the skip link's "#contenu": the focus starts in the content.
    follow(page, COLLEAGUE, in_main=True)

    open_convention_from_header(page)
    skip_to_content(page)
    follow(page, "Dossiers thématiques", in_main=True)
    skip_to_content(page)
    follow(page, COLLEGE_DOSSIER, in_main=True)

    open_convention_from_header(page)
    skip_to_content(page)
    follow(page, "Rencontres", in_main=True)
    skip_to_content(page)
    follow(page, MEETING, in_main=True)

    # The registration form is being built by the meetings feature: this step waits for it.
    skip_to_content(page)
    tab_to(page, REGISTER, tag="button", in_main=True)
    with page.expect_navigation():
        page.keyboard.press("Space")
    expect(page.get_by_role("main")).to_contain_text(REGISTERED)
