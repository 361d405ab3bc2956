"""Every page type of the demo passes axe-core's WCAG 2.0/2.1 A and AA rules in Chromium.

One test per page (see tests/a11y.py, CHECKED_PAGES): a serious or critical violation fails
it, with the rule, its help and the elements concerned. Forms are checked with and without
validation errors.
"""

from __future__ import annotations

import pytest

from tests.a11y import (
    CHECKED_IDS,
    CHECKED_PAGES,
    assert_no_blocking_violations,
    axe_script,
    blocking,
    browser_session,
    new_context,
    open_checked,
    resolve,
    run_axe,
    tab_to,
)

# Read only: the demo is loaded once for the module (tests/browser.py, demo_site_url).
pytestmark = [pytest.mark.browser]


def test_axe_core_is_installed():
    assert axe_script().stat().st_size > 100_000


# The checks themselves catch what they are meant to catch, on pages written for that.
FAULTY_PAGE = """<!DOCTYPE html><html lang="fr"><head><title>Essai</title></head><body>
<main><h1>Essai</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<p style="color:#bbb;background:#fff">Texte trop pâle</p>
<a href="#a" style="outline:none">Un lien sans cadre au focus</a></main></body></html>"""


def test_axe_check_reports_serious_violations(chromium):
    with browser_session(chromium) as browser:
        page = new_context(browser).new_page()
        page.set_content(FAULTY_PAGE)
        found = {violation["id"] for violation in blocking(run_axe(page))}
    assert {"image-alt", "color-contrast"} <= found


def test_focus_check_reports_a_link_without_focus_indicator(chromium):
    with browser_session(chromium) as browser:
        page = new_context(browser).new_page()
        page.set_content(FAULTY_PAGE)
        with pytest.raises(AssertionError, match="No focus indicator"):
            tab_to(page, "Un lien sans cadre au focus", tag="a", limit=3)


@pytest.mark.parametrize("checked", CHECKED_PAGES, ids=CHECKED_IDS)
def test_page_has_no_serious_accessibility_violation(checked, demo_site_url, chromium):
    axe_script()
    site = demo_site_url
    url, cookies = resolve(checked, site)
    with browser_session(chromium) as browser:
        context = new_context(browser, cookies)
        page = context.new_page()
        open_checked(page, checked, url)
        assert_no_blocking_violations(page)
        context.close()
