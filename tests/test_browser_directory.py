"""A member in a real browser: logs in, filters the directory, opens a profile, edits their own.

Same set-up as tests/test_browser.py: Debian's Chromium (/usr/bin/chromium) driven by
Playwright against pytest-django's live server, with the demo content loaded. Without
Chromium the test is skipped locally and fails under CI=true.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from members.models import Member
from tests.a11y import browser_session, expect_h1, log_in, new_context
from tests.browser import WRITING_BROWSER_TESTS

# The live server needs a transactional database; a serialized rollback brings back the
# home page and default site (data migrations) that the flush after each test erases.
pytestmark = WRITING_BROWSER_TESTS


DIRECTORY_PATH = "/paca/annuaire/"
DIRECTORY_TITLE = "Annuaire des membres"
ACCOMPANIED_COLLEGE = "Personnes accompagnées"
# The demo's referent of that college, shown by first name and initial.
PSEUDONYM = "Nadia H."
HIDDEN_LAST_NAME = "Haddad"
PHONE_QUESTION = "Qui peut voir mon téléphone ?"
NOBODY = "Personne (moi seul·e)"


def test_member_filters_the_directory_and_changes_a_visibility_choice(site, chromium):
    # Database checks come after the browser: while Playwright runs, Django refuses ORM
    # calls in this thread (its asyncio loop is running).
    with browser_session(chromium) as browser:
        page = new_context(browser).new_page()
        log_in(page, site, "membre")

        page.goto(site + DIRECTORY_PATH)
        expect_h1(page, DIRECTORY_TITLE)
        search = page.get_by_role("search", name="Rechercher un membre")
        search.get_by_label("Collège").select_option(label=ACCOMPANIED_COLLEGE)
        search.get_by_role("button", name="Rechercher").click()
        expect(page).to_have_url(re.compile(r"[?&]college=personnes-accompagnees(&|$)"))

        cards = page.get_by_role("main").locator(".cards")
        cards.get_by_role("link", name=PSEUDONYM, exact=True).click()
        expect_h1(page, PSEUDONYM)
        expect(page.locator("body")).not_to_contain_text(HIDDEN_LAST_NAME)

        page.get_by_role("banner").get_by_role("link", name="Mon profil").click()
        expect(page).to_have_url(re.compile(r"/mon-profil/$"))
        expect_h1(page, "Mon profil")
        phone = page.get_by_role("group", name=PHONE_QUESTION)
        phone.get_by_label(NOBODY).check()
        page.get_by_role("button", name="Enregistrer mon profil").click()
        expect(
            page.get_by_role("status").filter(has_text="Votre profil a été enregistré.")
        ).to_be_visible()
        expect(page.get_by_role("group", name=PHONE_QUESTION).get_by_label(NOBODY)).to_be_checked()

    member = Member.objects.get(user__username="membre")
    assert member.visibility_of("phone") == Member.Visibility.HIDDEN
    # The other choices were kept as they were in the demo content.
    assert member.visibility_of("email") == Member.Visibility.MEMBERS
