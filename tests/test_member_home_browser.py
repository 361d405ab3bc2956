"""The member's home in Chromium, at 375 px (a phone) and 1280 px: a member with a meeting
ahead, a followed dossier with something new and a proposal finds their own sections first,
each item a link that can be reached, with no horizontal scroll and no serious axe-core
violation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from cms.models import DossierPage, EventPage
from cms.notifications.preferences import follow
from tests.a11y import assert_no_blocking_violations, browser_session, new_context, session_cookies
from tests.test_member_home import NUMERIQUE, propose, registered

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MEMBER = "membre"
SEMINAR = "seminaire-acces-aux-droits"
PROPOSAL_TITLE = "Un guide des démarches en ligne pour les accueils"
WIDTHS = {"375 px": {"width": 375, "height": 800}, "1280 px": {"width": 1280, "height": 900}}
# Where the screenshots go when asked (MEMBER_HOME_SCREENSHOTS=/some/dir), to be looked at.
SCREENSHOTS = os.environ.get("MEMBER_HOME_SCREENSHOTS", "")


@pytest.fixture
def member_home(site) -> dict:
    """The demo, with the member registered to a meeting, following a dossier, proposing."""
    user = get_user_model().objects.get(username=MEMBER)
    seminar = EventPage.objects.get(slug=SEMINAR)
    registered(user, seminar)
    dossier = DossierPage.objects.get(slug=NUMERIQUE)
    follow(user, dossier)
    propose(MEMBER, PROPOSAL_TITLE, "developpement-local", dossier=NUMERIQUE)
    return {
        "url": site,
        "seminar": seminar.title,
        "cookies": session_cookies(MEMBER, site),
    }


def opened_home(browser, member_home: dict, viewport: dict) -> Page:
    page = new_context(browser, member_home["cookies"], viewport=viewport).new_page()
    page.goto(member_home["url"] + "/")
    return page


def section(page: Page, name: str):
    return page.get_by_role("region", name=name)


@pytest.mark.parametrize("viewport", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_member_finds_their_own_sections_first(member_home, chromium, viewport):
    with browser_session(chromium) as browser:
        page = opened_home(browser, member_home, viewport)

        meetings = section(page, "Mes prochaines rencontres")
        expect(meetings.get_by_role("link", name=member_home["seminar"])).to_be_visible()
        proposals = section(page, "Mes propositions")
        expect(proposals.get_by_role("link", name=PROPOSAL_TITLE)).to_be_visible()
        expect(section(page, "Nouveau dans mes dossiers suivis")).to_be_visible()
        # The personal sections come before the rest of the home.
        first_section = page.locator("main h2").first
        expect(first_section).to_have_text("Mes prochaines rencontres")
        if SCREENSHOTS:
            name = f"member-home-{viewport['width']}.png"
            page.screenshot(path=str(Path(SCREENSHOTS) / name), full_page=True)


@pytest.mark.parametrize("viewport", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_member_home_reads_without_horizontal_scroll(member_home, chromium, viewport):
    with browser_session(chromium) as browser:
        page = opened_home(browser, member_home, viewport)

        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0


def test_the_member_home_passes_axe(member_home, chromium):
    with browser_session(chromium) as browser:
        page = opened_home(browser, member_home, WIDTHS["1280 px"])

        assert_no_blocking_violations(page)


def test_a_meeting_of_the_home_opens_by_keyboard(member_home, chromium):
    with browser_session(chromium) as browser:
        page = opened_home(browser, member_home, WIDTHS["375 px"])
        link = section(page, "Mes prochaines rencontres").get_by_role(
            "link", name=member_home["seminar"]
        )

        link.focus()
        page.keyboard.press("Enter")

        expect(page.get_by_role("heading", level=1)).to_have_text(member_home["seminar"])
