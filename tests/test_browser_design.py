"""The shell and the forms as people see them in Chromium, at 375 px (a phone) and 1280 px.

On a phone the header stays short (at most 160 px): the conventions, the account links and
the current convention's sections sit behind a « Menu » disclosure that opens by keyboard
and without JavaScript, while the search field stays in sight. On a wide screen the same
links show without opening anything. Form controls are tall enough to hit (text fields at
least 40 px, targets in the header at least 44 px) and every radio button or check box sits
beside its label, on its first line.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.a11y import (
    CheckedPage,
    browser_session,
    checked_page,
    new_context,
    open_checked,
    resolve,
    tab_to,
)

# Read only: the demo is loaded once for the module (tests/browser.py, demo_site_url).
pytestmark = [pytest.mark.browser]

PHONE = {"width": 375, "height": 667}
WIDE = {"width": 1280, "height": 800}
MAX_HEADER_PX = 160
MIN_FIELD_PX = 40
MIN_TARGET_PX = 44

MENU = "summary.site-menu__toggle"
MAIN_NAVIGATION = "nav[aria-label='Navigation principale']"
SECTIONS = "header nav.site-sections"
HEADER_SEARCH = "#site-search-q"

CONVENTION = checked_page("convention")
# Read by a member, so that the header holds the account's links too.
MEMBER_DOSSIER = checked_page("dossier", id="dossier-member", user="membre")
SEARCH = checked_page("search-results", id="search")
SHELL_PAGES = [checked_page("home"), CONVENTION, MEMBER_DOSSIER, SEARCH]
FORM_PAGES = [
    checked_page("adhesion"),
    checked_page("adhesion-errors"),
    checked_page("profile"),
    checked_page("proposal-form", id="proposal"),
    checked_page("login"),
    SEARCH,
]
WIDTHS = {"375 px": PHONE, "1280 px": WIDE}


def opened(browser, checked: CheckedPage, site: str, viewport: dict, **options) -> Page:
    url, cookies = resolve(checked, site)
    page = new_context(browser, cookies, viewport=viewport, **options).new_page()
    open_checked(page, checked, url)
    return page


def header_height(page: Page) -> float:
    return page.locator("header.site-header").bounding_box()["height"]


# -- header ----------------------------------------------------------------------------------


@pytest.mark.parametrize("checked", SHELL_PAGES, ids=[c.id for c in SHELL_PAGES])
def test_header_is_at_most_160_px_tall_on_a_phone(checked, demo_site_url, chromium):
    with browser_session(chromium) as browser:
        page = opened(browser, checked, demo_site_url, PHONE)
        height = header_height(page)
        search_visible = page.locator(HEADER_SEARCH).is_visible()
        navigation_visible = page.locator(MAIN_NAVIGATION).is_visible()
    assert height <= MAX_HEADER_PX, f"{checked.path}: header {height:.0f} px at 375 px"
    assert search_visible, "the search field should be one tap away, outside the menu"
    assert not navigation_visible, "the conventions should wait behind the menu"


def test_menu_opens_with_the_keyboard_on_a_phone(demo_site_url, chromium):
    with browser_session(chromium) as browser:
        page = opened(browser, MEMBER_DOSSIER, demo_site_url, PHONE)
        page.locator(".skip-link").focus()
        tab_to(page, "Menu", tag="summary", limit=5)
        assert page.locator(MENU).get_attribute("aria-expanded") in (None, "false")
        page.keyboard.press("Enter")
        banner = page.get_by_role("banner")
        assert banner.get_by_role("link", name="Mon profil").is_visible()
        assert page.locator(SECTIONS).get_by_role("link", name="Dossiers thématiques").is_visible()
        # The next Tab goes into the opened menu, to the first convention.
        focused = tab_to(page, "Convention régionale Provence-Alpes-Côte d'Azur", tag="a", limit=2)
        assert focused["inBanner"]


def test_menu_opens_without_javascript(demo_site_url, chromium):
    with browser_session(chromium) as browser:
        page = opened(browser, CONVENTION, demo_site_url, PHONE, java_script_enabled=False)
        closed = page.locator(SECTIONS).is_visible()
        page.locator(MENU).click()
        sections = page.locator(SECTIONS).get_by_role("link", name="Rencontres")
        login = page.get_by_role("banner").get_by_role("link", name="Se connecter")
        assert not closed
        assert sections.is_visible() and login.is_visible()


def test_wide_screen_shows_the_navigation_without_a_menu_button(demo_site_url, chromium):
    with browser_session(chromium) as browser:
        page = opened(browser, CONVENTION, demo_site_url, WIDE)
        assert not page.locator(MENU).is_visible()
        assert page.locator(MAIN_NAVIGATION).get_by_role("link").first.is_visible()
        assert page.locator(SECTIONS).get_by_role("link", name="Rencontres").is_visible()
        assert header_height(page) <= 220


# Every link or button of the header that is shown, with its height.
HEADER_TARGETS_JS = """() => [...document.querySelectorAll(
        'header a, header button, header summary, header input')]
    .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
    .map(e => [e.innerText.trim() || e.id, e.getBoundingClientRect().height])"""


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
def test_every_target_of_the_header_is_at_least_44_px_tall(width, demo_site_url, chromium):
    with browser_session(chromium) as browser:
        page = opened(browser, MEMBER_DOSSIER, demo_site_url, WIDTHS[width])
        if page.locator(MENU).is_visible():
            page.locator(MENU).click()
        targets = page.evaluate(HEADER_TARGETS_JS)
    small = [(name, round(height)) for name, height in targets if height < MIN_TARGET_PX - 0.5]
    assert len(targets) > 5
    assert not small, f"{width}: header targets under {MIN_TARGET_PX} px: {small}"


# -- search ----------------------------------------------------------------------------------


def test_first_search_result_is_on_the_first_screen_of_a_phone(demo_site_url, chromium):
    with browser_session(chromium) as browser:
        page = opened(browser, SEARCH, demo_site_url, PHONE)
        first = page.locator(".search-results .card__title").first.bounding_box()
        facets_shown = page.locator(".facet-list a").first.is_visible()
    assert first["y"] + first["height"] <= PHONE["height"], f"first result at {first['y']:.0f} px"
    assert not facets_shown, "the filters should be folded on a phone"


def test_search_filters_are_open_on_a_wide_screen(demo_site_url, chromium):
    with browser_session(chromium) as browser:
        page = opened(browser, SEARCH, demo_site_url, WIDE)
        assert page.locator(".facet-list a").first.is_visible()


# -- forms -----------------------------------------------------------------------------------

# One-line fields, lists and text areas of the main content that are shown, with their height.
FIELD_HEIGHTS_JS = """() => [...document.querySelectorAll('main input, main select, main textarea')]
    .filter(e => !['hidden', 'checkbox', 'radio', 'submit', 'button'].includes(e.type))
    .filter(e => e.getClientRects().length)
    .map(e => [e.name || e.id, e.type, e.getBoundingClientRect().height])"""

# For each radio button and check box shown: its box and the box of the first line of its
# label's text (the label around it, or the one naming it with for=).
CHOICES_JS = """() => [...document.querySelectorAll(
        'main input[type=radio], main input[type=checkbox]')]
    .filter(e => e.getClientRects().length)
    .map(input => {
        const label = input.closest('label')
            || document.querySelector(`label[for="${CSS.escape(input.id)}"]`);
        if (!label) return {name: input.name, label: null};
        const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT,
            {acceptNode: n => n.textContent.trim() ? NodeFilter.FILTER_ACCEPT
                                                   : NodeFilter.FILTER_REJECT});
        const text = walker.nextNode();
        const range = document.createRange();
        range.selectNodeContents(text);
        const line = range.getClientRects()[0];
        const box = input.getBoundingClientRect();
        return {name: input.name + ' « ' + text.textContent.trim().slice(0, 30) + ' »',
                label: true, inputLeft: box.left, inputRight: box.right,
                inputTop: box.top, inputBottom: box.bottom,
                textLeft: line.left, textTop: line.top, textBottom: line.bottom};
    })"""


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
@pytest.mark.parametrize("checked", FORM_PAGES, ids=[c.id for c in FORM_PAGES])
def test_every_form_field_is_at_least_40_px_tall(checked, width, demo_site_url, chromium):
    with browser_session(chromium) as browser:
        page = opened(browser, checked, demo_site_url, WIDTHS[width])
        fields = page.evaluate(FIELD_HEIGHTS_JS)
    low = [(name, kind, round(height)) for name, kind, height in fields if height < MIN_FIELD_PX]
    assert fields, f"no field on {checked.path}"
    assert not low, f"{width}, {checked.path}: fields under {MIN_FIELD_PX} px: {low}"


def beside_its_label(choice: dict) -> bool:
    """Left of the text's first line, close to it, and level with it."""
    gap = choice["textLeft"] - choice["inputRight"]
    level = choice["inputTop"] < choice["textBottom"] and choice["inputBottom"] > choice["textTop"]
    return 0 <= gap <= 24 and level


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
@pytest.mark.parametrize(
    "checked", [FORM_PAGES[0], FORM_PAGES[1], FORM_PAGES[2], FORM_PAGES[3]], ids=lambda c: c.id
)
def test_radio_buttons_and_check_boxes_sit_beside_their_label(
    checked, width, demo_site_url, chromium
):
    with browser_session(chromium) as browser:
        page = opened(browser, checked, demo_site_url, WIDTHS[width])
        choices = page.evaluate(CHOICES_JS)
    assert choices, f"no radio button or check box on {checked.path}"
    unlabelled = [choice["name"] for choice in choices if not choice["label"]]
    astray = [
        choice["name"] for choice in choices if choice["label"] and not beside_its_label(choice)
    ]
    assert not unlabelled, f"without a label: {unlabelled}"
    assert not astray, f"{width}, {checked.path}: not beside their label: {astray}"


def test_forms_keep_a_readable_column_on_a_wide_screen(demo_site_url, chromium):
    checked = FORM_PAGES[0]
    with browser_session(chromium) as browser:
        page = opened(browser, checked, demo_site_url, WIDE)
        width = page.locator("main form.form").bounding_box()["width"]
        font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    # About 60 to 75 characters a line: at most 40 times the text's size.
    assert width <= 40 * font + 1, f"form {width:.0f} px wide"
