"""A proposal in real browsers: a member proposes on the site, the college's referent and
then coordination approve it in the Wagtail admin, and the member finds it published; a
proposal sent back with a comment is edited on the site and reviewed again.

Same set-up as tests/test_browser.py: Debian's Chromium driven by Playwright against
pytest-django's live server, with the demo content loaded. Without Chromium the test is
skipped locally and fails under CI=true.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Locator, Page, expect

from cms.models import ContributionPage
from tests.a11y import assert_no_blocking_violations, browser_session, log_in, new_context
from tests.browser import WRITING_BROWSER_TESTS

pytestmark = WRITING_BROWSER_TESTS

PASSWORD = "demo-convention"
DOSSIER_PATH = "/paca/dossiers/non-recours-numerique/"
TITLE = "Un guichet sans écran dans chaque quartier"
COLLEGE = "Acteurs du développement local"
APPROVE = re.compile(r"^(Approuver|Approve)$")
ASK_CHANGES = "Demander des modifications"
COMMENT = "Ajoutez un exemple de quartier, s’il vous plaît."
NEW_TITLE = "Un guichet sans écran, l’exemple du quartier Nord"
NEW_TEXT = "Au quartier Nord, le guichet ouvre le mardi matin."


@contextmanager
def session(browser: Browser, site: str, username: str) -> Iterator[Page]:
    """A fresh browser context, logged in as this demo user."""
    context = new_context(browser)
    page = context.new_page()
    log_in(page, site, username, PASSWORD)
    try:
        yield page
    finally:
        context.close()


def propose(page: Page, site: str) -> None:
    page.goto(site + DOSSIER_PATH)
    page.get_by_role("link", name="Proposer une contribution").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposer une contribution")
    page.get_by_label(re.compile(r"^Titre\b")).fill(TITLE)
    page.get_by_label("Témoignage").check()
    page.get_by_label(re.compile(r"^Date du travail")).fill("2025-03-14")
    page.get_by_label("Résumé").fill("Ce que les habitants demandent pour leurs démarches.")
    page.get_by_label(re.compile(r"^Texte\b")).fill("Un lieu, une personne, sans rendez-vous.")
    page.get_by_role("textbox", name="Préconisations").fill(
        "Ouvrir un guichet : deux demi-journées par semaine"
    )
    page.get_by_label("Tout le monde (page publique)").check()
    on_behalf_of = page.get_by_role("group", name=re.compile("Au nom de quel collège"))
    expect(on_behalf_of.get_by_label(COLLEGE)).to_be_checked()
    page.get_by_role("button", name="Envoyer en relecture").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes propositions")
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text(f"En relecture par les référents du collège {COLLEGE}")


def review_row(page: Page, title: str):
    """The row of this page in the dashboard's table of pages awaiting the reviewer (the
    panel « Propositions à relire » above it lists the same title, as a link)."""
    return page.locator("#awaiting-review-section").get_by_role("row").filter(has_text=title)


def review_actions(page: Page, site: str, title: str) -> Locator:
    """The dashboard's row of ``title``, its « Actions » menu opened."""
    page.goto(site + "/admin/")
    row = review_row(page, title)
    row.get_by_role("button", name=re.compile("Actions")).click()
    return row


def approve_from_admin_dashboard(page: Page, site: str) -> None:
    review_actions(page, site, TITLE).get_by_role("button", name=APPROVE).click()
    # The dashboard reloads once the action is done: the contribution left this reviewer's list.
    expect(page.get_by_role("row").filter(has_text=TITLE)).to_have_count(0)


def test_member_proposal_is_approved_by_referent_then_coordination_and_published(site, chromium):
    with browser_session(chromium) as browser:
        with session(browser, site, "membre") as member:
            propose(member, site)
        with session(browser, site, "referente") as other_referent:
            # The referent of another college has nothing to review.
            other_referent.goto(site + "/admin/")
            expect(other_referent.get_by_text(TITLE)).to_have_count(0)
        with session(browser, site, "odile") as referent:
            approve_from_admin_dashboard(referent, site)
        with session(browser, site, "coordination") as coordination:
            approve_from_admin_dashboard(coordination, site)
        with session(browser, site, "membre") as member:
            member.goto(site + "/propositions/")
            row = member.get_by_role("row").filter(has_text=TITLE)
            expect(row).to_contain_text("Publiée")
            row.get_by_role("link", name=TITLE).click()
            expect(member.get_by_role("heading", level=1)).to_have_text(TITLE)
            expect(member.get_by_role("main")).to_contain_text("Ouvrir un guichet")

    contribution = ContributionPage.objects.get(title=TITLE)
    assert contribution.live
    assert contribution.url_path.endswith(
        "/non-recours-numerique/un-guichet-sans-ecran-dans-chaque-quartier/"
    )


def ask_for_changes_from_admin_dashboard(page: Page, site: str) -> None:
    review_actions(page, site, TITLE).get_by_role("button", name=ASK_CHANGES).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label(re.compile("Commentaire|Comment")).fill(COMMENT)
    dialog.get_by_role("button", name=ASK_CHANGES).click()
    expect(page.get_by_role("row").filter(has_text=TITLE)).to_have_count(0)


def edit_and_send_back(page: Page, site: str) -> None:
    page.goto(site + "/propositions/")
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("Modifications demandées")
    assert_no_blocking_violations(page)
    row.get_by_role("link", name=re.compile("Modifier et renvoyer")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier ma proposition")
    review = page.get_by_role("complementary", name="Ce que demande la relecture")
    expect(review).to_contain_text(COMMENT)
    assert_no_blocking_violations(page)
    # Nothing to type again: the form holds the proposal as it was sent.
    expect(page.get_by_label(re.compile(r"^Titre\b"))).to_have_value(TITLE)
    expect(page.get_by_role("textbox", name="Préconisations")).to_have_value(
        "Ouvrir un guichet : deux demi-journées par semaine"
    )
    page.get_by_label(re.compile(r"^Titre\b")).fill(NEW_TITLE)
    page.get_by_label(re.compile(r"^Texte\b")).fill(NEW_TEXT)
    page.get_by_role("button", name="Renvoyer en relecture").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes propositions")
    row = page.get_by_role("row").filter(has_text=NEW_TITLE)
    expect(row).to_contain_text(f"En relecture par les référents du collège {COLLEGE}")


def test_proposal_sent_back_with_a_comment_is_edited_resubmitted_and_reviewed_again(site, chromium):
    with browser_session(chromium) as browser:
        with session(browser, site, "membre") as member:
            propose(member, site)
        with session(browser, site, "odile") as referent:
            ask_for_changes_from_admin_dashboard(referent, site)
        with session(browser, site, "membre") as member:
            edit_and_send_back(member, site)
        with session(browser, site, "odile") as referent:
            row = review_actions(referent, site, NEW_TITLE)
            expect(row).to_have_count(1)
            preview = row.get_by_role("link", name=re.compile("Prévisualisation|Preview"))
            referent.goto(site + (preview.get_attribute("href") or ""))
            expect(referent.get_by_role("main")).to_contain_text(NEW_TEXT)

    contribution = ContributionPage.objects.get(title=NEW_TITLE)
    assert not contribution.live
    assert contribution.get_latest_revision_as_object().body.raw_data[0]["value"] == (
        f"<p>{NEW_TEXT}</p>"
    )
    assert contribution.workflow_states.get().status == "in_progress"
