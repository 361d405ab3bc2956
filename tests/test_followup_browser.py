"""The board « Suivi des préconisations » in Chromium: a referent's update seen by a member,
the board read at 375 and 1280 px, and axe-core on the board and an item page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cms.followup.models import Status, TrackedItem
from cms.models import DossierPage
from tests.a11y import assert_no_blocking_violations, browser_session, new_context, session_cookies
from tests.test_followup import add_board

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SOURCE = "preconisations-espaces-ethiques"  # a public contribution of the PA college, among others
REFERENT = "referente"  # referent of the personnes accompagnées college
MEMBER = "membre"  # another college
# Where the screenshots go when asked (FOLLOWUP_SCREENSHOTS=/some/dir), to be looked at.
SCREENSHOTS = os.environ.get("FOLLOWUP_SCREENSHOTS", "")


def spread_statuses() -> None:
    """A realistic spread: older préconisations further along."""
    statuses = [Status.REALISEE, Status.EN_COURS, Status.RETENUE, Status.PROPOSEE,
                Status.ABANDONNEE, Status.EN_COURS]  # fmt: skip
    for index, item in enumerate(TrackedItem.objects.order_by("source_date", "pk")):
        status = statuses[index % len(statuses)]
        progress = {Status.REALISEE: 100, Status.EN_COURS: 20 + 10 * (index % 6)}.get(status, 0)
        reason = "Mis en œuvre dans trois territoires." if status == Status.REALISEE else ""
        if status == Status.ABANDONNEE:
            reason = "Remplacée par une préconisation plus large."
        TrackedItem.objects.filter(pk=item.pk).update(
            status=status, progress=progress, status_reason=reason
        )


@pytest.fixture
def board_site(site) -> dict:
    board = add_board("paca")
    spread_statuses()
    item = TrackedItem.objects.filter(contribution__slug=SOURCE).order_by("pk").first()
    TrackedItem.objects.filter(pk=item.pk).update(status=Status.RETENUE, progress=0)
    return {
        "url": site,
        "board": site + board.url,
        "item": site + f"/preconisations/{item.pk}/",
        "item_pk": item.pk,
        "title": item.title,
        "dossier": site + DossierPage.objects.get(pk=item.dossier_id).url,
        "cookies": {name: session_cookies(name, site) for name in (REFERENT, MEMBER)},
    }


def test_a_referent_moves_an_item_to_en_cours_and_a_member_sees_it(board_site, chromium):
    with browser_session(chromium) as browser:
        page = new_context(browser, board_site["cookies"][REFERENT]).new_page()
        page.goto(board_site["item"])
        form = page.get_by_role("main").locator("form", has_text="Enregistrer")
        form.get_by_label("État").select_option(label="En cours")
        form.get_by_label("Avancement (%)").fill("40")
        form.get_by_label("Pourquoi ce changement").fill("Un premier groupe de travail est lancé.")
        form.get_by_role("button", name="Enregistrer").click()
        history = page.get_by_role("main").locator("ol.timeline")
        expect(history).to_contain_text("Retenue → En cours")
        expect(history).to_contain_text("Un premier groupe de travail est lancé.")

        member = new_context(browser, board_site["cookies"][MEMBER]).new_page()
        member.goto(board_site["board"] + "?etat=en_cours")
        card = member.get_by_role("listitem").filter(has_text=board_site["title"])
        expect(card).to_contain_text("En cours")
        member.goto(board_site["dossier"])
        followup = member.get_by_role("region", name="Suivi des préconisations")
        expect(
            followup.get_by_role("listitem").filter(has_text=board_site["title"])
        ).to_contain_text("En cours")
    assert TrackedItem.objects.get(pk=board_site["item_pk"]).status == Status.EN_COURS


def _no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [375, 1280])
def test_the_board_reads_without_horizontal_scroll_and_passes_axe(board_site, chromium, width):
    with browser_session(chromium) as browser:
        context = new_context(
            browser, board_site["cookies"][MEMBER], viewport={"width": width, "height": 900}
        )
        page = context.new_page()
        page.goto(board_site["board"])
        expect(page.get_by_role("heading", level=1)).to_have_text("Suivi des préconisations")
        assert _no_horizontal_scroll(page)
        assert_no_blocking_violations(page)
        if SCREENSHOTS:
            page.screenshot(path=str(Path(SCREENSHOTS) / f"board-{width}.png"), full_page=True)
        page.goto(board_site["item"])
        assert _no_horizontal_scroll(page)
        assert_no_blocking_violations(page)
        if SCREENSHOTS:
            page.screenshot(path=str(Path(SCREENSHOTS) / f"item-{width}.png"), full_page=True)
