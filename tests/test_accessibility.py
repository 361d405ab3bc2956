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
    browser_session,
    new_context,
    open_checked,
    resolve,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_axe_core_is_installed():
    assert axe_script().stat().st_size > 100_000


@pytest.mark.parametrize("checked", CHECKED_PAGES, ids=CHECKED_IDS)
def test_page_has_no_serious_accessibility_violation(checked, site, chromium):
    axe_script()
    url, cookies = resolve(checked, site)
    with browser_session(chromium) as browser:
        context = new_context(browser, cookies)
        page = context.new_page()
        open_checked(page, checked, url)
        assert_no_blocking_violations(page)
        context.close()
