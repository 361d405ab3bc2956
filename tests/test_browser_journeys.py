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
    expect_h1,
    focused_element,
    log_in,
    new_context,
    skip_to_content,
    tab_to,
)
from tests.browser import WRITING_BROWSER_TESTS

pytestmark = WRITING_BROWSER_TESTS

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


def editor_journey(page: Page, site: str) -> None:
    """Coordination adds a contribution under a dossier in Wagtail's admin and publishes it.

    Every step works with the keyboard: the body (a StreamField with a rich text editor)
    and the choosers are optional and left empty, the date is typed into its field.
    """
    page.goto(site + "/connexion/")
    log_in_by_keyboard(page, EDITOR)

    tab_to(page, "Espace d’administration", tag="a")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/admin/$"))

    tab_to(page, "Terme de recherche", tag="input", in_main=True)
    page.keyboard.type("Non-recours")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    tab_to(page, f"Plus d’options pour « {DOSSIER} »", tag="button")
    page.keyboard.press("Enter")
    tab_to(page, "Ajouter une sous-page", tag="a")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # A dossier takes only contributions: Wagtail opens their form straight away.
    expect(page).to_have_url(re.compile(r"/admin/pages/add/cms/contributionpage/\d+/$"))

    tab_to(page, "Titre*", tag="input")
    page.keyboard.type(NEW_CONTRIBUTION)
    tab_to(page, "Date*", tag="input")
    page.keyboard.type(date.today().isoformat())
    tab_to(page, "Résumé", tag="textarea")
    page.keyboard.type(NEW_SUMMARY)

    tab_to(page, "Plus d'actions", tag="button")
    page.keyboard.press("Enter")
    tab_to(page, "Publier", tag="button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    confirmation = page.get_by_role("main").get_by_role("status")
    expect(confirmation).to_contain_text(NEW_CONTRIBUTION)
    expect(confirmation).to_contain_text("publiée")

    follow(page, "Visualiser la version publiée", h1=NEW_CONTRIBUTION)
    expect(page.get_by_role("main")).to_contain_text(NEW_SUMMARY)


@pytest.mark.parametrize(
    "journey",
    [public_reader_journey, member_journey, editor_journey],
    ids=["public-reader", "member", "editor"],
)
def test_journey_can_be_made_with_the_keyboard_only(journey, site, chromium):
    with browser_session(chromium) as browser:
        context = new_context(browser)
        journey(context.new_page(), site)
        context.close()


# With clicks: the parts tests/test_browser.py and tests/test_browser_directory.py leave out.


def test_reader_searches_from_the_header_and_opens_a_result(site, chromium):
    with browser_session(chromium) as browser:
        page = new_context(browser).new_page()
        page.goto(site + "/")
        search = page.get_by_role("banner").get_by_role("search")
        search.get_by_label("Rechercher").fill(SEARCHED_WORD)
        search.get_by_role("button", name="Rechercher").click()
        expect(page).to_have_url(re.compile(r"/recherche/\?q="))
        page.get_by_role("main").get_by_role("link", name=SEARCH_RESULT, exact=True).click()
        expect_h1(page, SEARCH_RESULT)


def test_member_opens_their_college_dossier_and_registers_to_a_meeting(site, chromium):
    with browser_session(chromium) as browser:
        page = new_context(browser).new_page()
        log_in(page, site, MEMBER)
        page.get_by_role("banner").get_by_role("link", name=CONVENTION, exact=True).click()
        main = page.get_by_role("main")
        main.get_by_role("link", name="Dossiers thématiques", exact=True).click()
        main.get_by_role("link", name=COLLEGE_DOSSIER, exact=True).click()
        expect_h1(page, COLLEGE_DOSSIER)

        page.get_by_role("banner").get_by_role("link", name=CONVENTION, exact=True).click()
        main.get_by_role("link", name="Rencontres", exact=True).click()
        main.get_by_role("link", name=MEETING, exact=True).click()
        expect_h1(page, MEETING)
        main.get_by_role("button", name=REGISTER).click()
        expect(main).to_contain_text(REGISTERED)


def close_date_picker(page: Page) -> None:
    """Close the admin's date picker, which stays open after a typed date.

    Its height follows the month shown (five or six weeks), so on some dates it covers
    the buttons below the form: a test must not depend on today's calendar.
    """
    page.keyboard.press("Escape")
    picker = page.locator(".xdsoft_datetimepicker")
    if picker.count() and picker.first.is_visible():
        page.get_by_role("heading", level=1).first.click()
    expect(picker.first).to_be_hidden()


def test_editor_publishes_a_contribution_from_the_admin(site, chromium):
    with browser_session(chromium) as browser:
        page = new_context(browser).new_page()
        log_in(page, site, EDITOR)
        page.get_by_role("contentinfo").get_by_role("link", name="Espace d’administration").click()
        page.get_by_role("main").get_by_label("Terme de recherche").fill("Non-recours")
        page.keyboard.press("Enter")
        page.get_by_role("button", name=f"Plus d’options pour « {DOSSIER} »").click()
        # The row's menu item (the header's button of the same name adds under the root).
        page.get_by_text("Ajouter une sous-page", exact=True).click()

        page.get_by_role("textbox", name="Titre*").fill(NEW_CONTRIBUTION)
        page.get_by_role("textbox", name="Date*").fill(date.today().isoformat())
        close_date_picker(page)
        page.get_by_role("textbox", name="Résumé").fill(NEW_SUMMARY)
        page.get_by_role("button", name="Plus d'actions").click()
        page.get_by_role("button", name="Publier").click()

        page.get_by_role("link", name="Visualiser la version publiée").click()
        expect_h1(page, NEW_CONTRIBUTION)
        expect(page.get_by_role("main")).to_contain_text(NEW_SUMMARY)
