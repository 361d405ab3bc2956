"""The annual restitution in Chromium, on the live server: the admin screen, the status page
and the preview at 375 and 1280 px, under axe.

The live server needs committed data, so these tests load the site for themselves; they live
apart from tests/test_followup_restitution.py, whose tests share one rolled-back load.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cms.followup.models import RestitutionReport
from tests.a11y import (
    assert_no_blocking_violations,
    browser_session,
    new_context,
    screenshot_folder,
    screenshot_if_asked,
    session_cookies,
)
from tests.conftest import users_by_name
from tests.test_followup_restitution import SCREEN, YEAR, convention, fill_site


@pytest.fixture
def site(colleges):
    fill_site()
    return users_by_name()


# Where the screenshots go when asked (RESTITUTION_SCREENSHOTS=/some/dir), to be looked at.
SCREENSHOTS = screenshot_folder("RESTITUTION_SCREENSHOTS")


@pytest.fixture
def restitution_server(live_server, site) -> dict:
    done = RestitutionReport.objects.create(
        year=YEAR, convention=convention(), convention_title="Convention régionale",
        audience="public", state="terminee", progress=100, finished_at=timezone.now(),
    )  # fmt: skip
    running = RestitutionReport.objects.create(
        year=YEAR, convention=convention(), convention_title="Convention régionale",
        audience="membres", state="en_cours", progress=45, step="Écriture du PDF",
    )  # fmt: skip
    query = f"?year={YEAR}&convention={convention().pk}&audience=membres"
    return {
        "screen": live_server.url + SCREEN,
        "preview": live_server.url + SCREEN + "apercu/" + query,
        "running": live_server.url + f"{SCREEN}{running.pk}/",
        "done": live_server.url + f"{SCREEN}{done.pk}/",
        "cookies": session_cookies("coord", live_server.url),
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("width", [375, 1280])
def test_the_screen_status_and_preview_pass_axe_at_every_width(restitution_server, chromium, width):
    with browser_session(chromium) as browser:
        context = new_context(
            browser, restitution_server["cookies"], viewport={"width": width, "height": 900}
        )
        page = context.new_page()
        page.goto(restitution_server["screen"])
        expect(page.get_by_role("heading", level=1)).to_have_text("Restitution annuelle")
        expect(page.get_by_label("Année")).to_be_visible()
        assert_no_blocking_violations(page)
        screenshot_if_asked(page, SCREENSHOTS, f"screen-{width}.png")
        page.goto(restitution_server["running"])
        expect(page.get_by_role("status").filter(has_text="étape")).to_contain_text("45 %")
        screenshot_if_asked(page, SCREENSHOTS, f"status-{width}.png")
        # The finished one: the running one reloads itself every few seconds, under axe too.
        page.goto(restitution_server["done"])
        expect(page.get_by_role("link", name="Télécharger le PDF")).to_be_visible()
        assert_no_blocking_violations(page)
        page.goto(restitution_server["preview"])
        expect(page.get_by_role("heading", level=1)).to_contain_text("Restitution 2024")
        expect(page.get_by_role("img", name="Préconisations par état en 2024")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert_no_blocking_violations(page)
        screenshot_if_asked(page, SCREENSHOTS, f"preview-{width}.png")
