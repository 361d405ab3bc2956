"""Tables (and the directory's cards) in Chromium at 375 and 1280 px: no word is ever split.

A word split across two lines (« Memb/res », « Préconi/sation », an e-mail address cut
anywhere) is found objectively: for every word of every cell, a DOM Range over the word's
characters gives one rectangle per line it is drawn on; a word drawn on two lines is split.
A line may still break after a hyphen or a slash, and where the markup offers a break
(``<wbr>`` after the @ and the dots of an e-mail address, see ``cms.templatetags.breaks``):
those pieces are measured one by one. Each page is also checked with axe-core.

Read only on the demo (tests/browser.py, demo_site_url); the module adds what the demo lacks
so that every table is drawn: a member's proposal, a règlement proposal, a follow-up board
and registrations to a meeting.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.a11y import (
    MEETING,
    CheckedPage,
    assert_no_blocking_violations,
    browser_session,
    screenshot_folder,
    screenshot_if_asked,
)
from tests.browser import SHARED_CHROMIUM
from tests.test_browser_design import PHONE, WIDE, WIDTHS
from tests.test_browser_design import opened as opened_at

pytestmark = [pytest.mark.browser]

# TABLE_SCREENSHOTS=/some/dir: the tests leave there the screens of each table, to look at.
SCREENSHOTS = screenshot_folder("TABLE_SCREENSHOTS")

CELLS = "main table th, main table td"
CARDS = "main .card"
# Long words and addresses, as members really write them, to make the tables work.
LONG_TITLE = "Accompagnement interinstitutionnel : dématérialisation et non-recours"
COORD = "coordination"
ATTENDEES = ("membre", "referente", "odile", COORD)


# Each page that draws a table (or the directory's cards), with who reads it and what to measure.
TABLE_PAGES = [
    (CheckedPage("convention", "/paca/", ""), CELLS),
    (CheckedPage("dossier", "/paca/dossiers/non-recours-numerique/", "", user="membre"), CELLS),
    (CheckedPage("directory", "/paca/annuaire/", "", user="membre"), CARDS),
    (CheckedPage("organisation", "/paca/annuaire/structures/crpa-paca/", "", user="membre"), CARDS),
    (CheckedPage("my-proposals", "/propositions/", "", user="membre"), CELLS),
    (CheckedPage("my-space", "/mon-espace/", "", user="membre"), CELLS),
    (CheckedPage("personal-data", "/mes-donnees/", "", user="membre"), CELLS),
    (CheckedPage("reglement-versions", "/paca/reglement/versions/", ""), CELLS),
    (CheckedPage("reglement-proposals", "/reglement/propositions/", "", user=COORD), CELLS),
    (CheckedPage("reglement-proposal", "{reglement_proposal}", "", user=COORD), CELLS),
    (CheckedPage("attendees", MEETING + "participants/", "", user=COORD), CELLS),
    (CheckedPage("followup-board", "/paca/suivi/", "", user="membre"), CARDS),
]
TABLE_IDS = [checked.id for checked, _ in TABLE_PAGES]

# For each visible word of the elements matched: whether it is drawn on more than one line.
# Words end at a space, or just after a hyphen or a slash, where a line may break; a <wbr>
# ends a text node, so the pieces it separates are measured one by one. Visually hidden
# texts (a 1 px box) are left out: nobody sees them.
SPLIT_WORDS_JS = """(selector) => {
    const splits = [];
    let words = 0;
    for (const element of document.querySelectorAll(selector)) {
        if (!element.getClientRects().length) continue;
        const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (node.parentElement.closest('.visually-hidden, [hidden]')) continue;
            const wordPattern = /[^\\s\\-\\u2010\\/]+[\\-\\u2010\\/]?/gu;
            for (const match of node.textContent.matchAll(wordPattern)) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                const rects = [...range.getClientRects()].filter(r => r.width > 0);
                if (!rects.length) continue;
                words += 1;
                const firstBottom = Math.min(...rects.map(r => r.bottom));
                if (rects.some(r => r.top >= firstBottom - 1)) splits.push(match[0]);
            }
        }
    }
    return {words, splits};
}"""


@pytest.fixture(scope="module")
def table_content(_demo_server, django_db_blocker) -> dict[str, str]:
    """What the demo lacks for every table to be drawn, added once for the module."""
    with django_db_blocker.unblock():
        return {"{reglement_proposal}": _reglement_proposal_path()} | _other_content()


def _other_content() -> dict[str, str]:
    from django.contrib.auth import get_user_model

    from cms.dossiers.pages import DossierPage
    from cms.editorial.proposals import ProposalContent, create_proposal
    from cms.followup.models import FollowupBoardPage
    from cms.followup.sync import sync_all
    from cms.meetings.pages import EventPage
    from cms.meetings.services import register
    from cms.visibility import Visibility
    from members.models import Member
    from tests.test_followup import add_board

    member = Member.objects.get(user__username="membre")
    content = ProposalContent(
        title=LONG_TITLE,
        summary="Ce qui aide les personnes à faire valoir leurs droits.",
        text="Un compte rendu d’atelier.",
        visibility=Visibility.public(),
        colleges=list(member.colleges.all()[:1]),
    )
    create_proposal(DossierPage.objects.get(slug="non-recours-numerique"), member, content)
    event = EventPage.objects.get(slug="seminaire-acces-aux-droits")
    for user in get_user_model().objects.filter(username__in=ATTENDEES):
        register(event, user, travel_support=True, travel_note="Train depuis Digne-les-Bains.")
    if not FollowupBoardPage.objects.filter(slug="suivi").exists():  # the demo has one now
        add_board("paca")
    sync_all()
    return {}


def _reglement_proposal_path() -> str:
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from cms.reglement import approvals
    from cms.reglement.pages import ReglementPage

    coordination = get_user_model().objects.get(username="coordination")
    page = ReglementPage.objects.filter(slug="reglement").first() or ReglementPage.objects.first()
    page.articles.append(
        ("article", {"title": "Représentation", "body": "<p>Chaque collège désigne.</p>"})
    )
    page.save_revision(user=coordination)
    proposal = approvals.propose(page, coordination, "3.0")
    return reverse("reglement:proposal", args=[proposal.pk])


def opened(browser, checked: CheckedPage, site: str, content: dict, viewport: dict) -> Page:
    """The page at this width, with the addresses of what the module added filled in."""
    for placeholder, path in content.items():
        checked = CheckedPage(checked.id, checked.path.replace(placeholder, path), "", checked.user)
    return opened_at(browser, checked, site, viewport)


# Pages the tests only look at (measures, axe, the accessibility tree), opened once per
# page and width for the module. A test that changes its page opens one of its own.
_LOOKED_AT: dict[tuple[str, int, int], Page] = {}


def looked_at(browser, checked: CheckedPage, site: str, content: dict, viewport: dict) -> Page:
    key = (checked.id, viewport["width"], viewport["height"])
    page = _LOOKED_AT.get(key)
    if page is None or page.is_closed() or page.context.browser is not browser:
        page = opened(browser, checked, site, content, viewport)
        SHARED_CHROMIUM.shared_contexts.add(page.context)
        _LOOKED_AT[key] = page
    return page


def on_every_table_page_at_both_widths(test):
    """The test, run on each page of TABLE_PAGES at 375 and at 1280 px."""
    test = pytest.mark.parametrize(("checked", "selector"), TABLE_PAGES, ids=TABLE_IDS)(test)
    return pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))(test)


def split_words(page: Page, selector: str) -> dict:
    return page.evaluate(SPLIT_WORDS_JS, selector)


def screenshot(page: Page, selector: str, name: str) -> None:
    """The screen where the first table (or list of cards) begins, a little above its top."""
    page.locator(selector).first.evaluate(
        "e => { e.closest('.table-scroll, table, .cards').scrollIntoView(); scrollBy(0, -120); }"
    )
    screenshot_if_asked(page, SCREENSHOTS, name, full_page=False)


@on_every_table_page_at_both_widths
def test_no_word_is_split_in_a_table_cell(
    checked, selector, width, table_content, demo_site_url, chromium
):
    with browser_session(chromium) as browser:
        page = looked_at(browser, checked, demo_site_url, table_content, WIDTHS[width])
        found = split_words(page, selector)
        if SCREENSHOTS:
            screenshot(page, selector, f"{checked.id}-{width.split()[0]}.png")
    assert found["words"] > 5, f"{checked.path}: nothing measured under « {selector} »"
    assert not found["splits"], f"{width}, {checked.path}: words split: {found['splits']}"


@on_every_table_page_at_both_widths
def test_table_pages_have_no_serious_accessibility_violation(
    checked, selector, width, table_content, demo_site_url, chromium
):
    with browser_session(chromium) as browser:
        page = looked_at(browser, checked, demo_site_url, table_content, WIDTHS[width])
        assert_no_blocking_violations(page)


def test_the_measure_finds_a_word_split_by_the_style(table_content, demo_site_url, chromium):
    checked = TABLE_PAGES[0][0]
    with browser_session(chromium) as browser:
        page = opened(browser, checked, demo_site_url, table_content, PHONE)
        # Set through the CSSOM, which the Content-Security-Policy allows (not a style tag).
        page.evaluate("""() => {
            const cell = document.querySelector('main table thead th');
            cell.style.wordBreak = 'break-all';
            cell.style.width = cell.style.maxWidth = cell.style.minWidth = '2rem';
            cell.closest('table').style.tableLayout = 'fixed';
            cell.closest('table').style.width = '6rem';
        }""")
        found = split_words(page, "main table thead th")
    assert found["splits"], "a header cell 2rem wide with word-break: break-all should split"


# For each row of the first table's body: the column names its cells show, if shown.
SHOWN_LABELS_JS = """(table) => [...table.tBodies[0].rows].map(row => [...row.cells].map(cell => {
    const label = cell.querySelector('.cell-label');
    return label && label.getClientRects().length ? label.textContent : null;
}))"""


def test_a_stacked_table_shows_each_cell_under_its_column_name_on_a_phone(
    table_content, demo_site_url, chromium
):
    checked = TABLE_PAGES[1][0]  # the dossier's préconisations
    with browser_session(chromium) as browser:
        page = looked_at(browser, checked, demo_site_url, table_content, PHONE)
        table = page.locator("main table.table--stack").first
        rows = table.evaluate(SHOWN_LABELS_JS)
        head_shown = table.locator("thead").evaluate("e => e.getBoundingClientRect().height > 1")
        page_scrolls = page.evaluate("document.documentElement.scrollWidth > innerWidth")
    assert rows and all(labels == ["Préconisation", "Détail", "Contribution"] for labels in rows)
    assert not head_shown, "the header row should be hidden once every cell shows its name"
    assert not page_scrolls


def test_a_stacked_table_keeps_its_table_semantics(table_content, demo_site_url, chromium):
    checked = TABLE_PAGES[1][0]
    with browser_session(chromium) as browser:
        page = looked_at(browser, checked, demo_site_url, table_content, PHONE)
        session = page.context.new_cdp_session(page)
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    roles = [node["role"]["value"] for node in nodes if not node.get("ignored")]
    assert {"table", "columnheader", "rowheader", "cell"} <= set(roles)


def test_the_column_names_of_a_wide_screen_table_are_not_shown_twice(
    table_content, demo_site_url, chromium
):
    checked = TABLE_PAGES[1][0]
    with browser_session(chromium) as browser:
        page = looked_at(browser, checked, demo_site_url, table_content, WIDE)
        rows = page.locator("main table.table--stack").first.evaluate(SHOWN_LABELS_JS)
    assert rows and all(label is None for labels in rows for label in labels)


# Every table of the main content, and whether it sits in a named region reached by Tab.
TABLE_REGIONS_JS = """() => [...document.querySelectorAll('main table')].map(table => {
    const box = table.closest('.table-scroll');
    const name = box && (box.getAttribute('aria-label')
        || document.getElementById(box.getAttribute('aria-labelledby') || '')?.textContent);
    return {caption: table.caption?.textContent || '', region: !!box
        && box.getAttribute('role') === 'region' && box.tabIndex === 0 && !!(name || '').trim()};
})"""
CELL_PAGES = [(checked, selector) for checked, selector in TABLE_PAGES if selector == CELLS]


@pytest.mark.parametrize("checked", [c for c, _ in CELL_PAGES], ids=[c.id for c, _ in CELL_PAGES])
def test_every_table_scrolls_in_a_named_region_reached_by_the_keyboard(
    checked, table_content, demo_site_url, chromium
):
    with browser_session(chromium) as browser:
        page = looked_at(browser, checked, demo_site_url, table_content, PHONE)
        tables = page.evaluate(TABLE_REGIONS_JS)
    assert tables, f"no table on {checked.path}"
    assert all(table["region"] for table in tables), tables
