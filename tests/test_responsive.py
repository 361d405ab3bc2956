"""Every page checked by axe reads at 320 px, at 1280 px and at 1280 px zoomed to 200 %.

At each width: no horizontal scroll, nothing clipped, the main navigation and the search
field are visible and reached with the Tab key. Loading the page asks nothing from another
host than the site itself (no font, script or statistics from elsewhere).

Zoom is not `device_scale_factor` (that only sharpens pixels): a 200 % zoom of a 1280 px
window lays the page out in 640 CSS pixels, which is what the test gives it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from tests.a11y import (
    CHECKED_IDS,
    CHECKED_PAGES,
    browser_session,
    focused_element,
    new_context,
    open_checked,
    resolve,
    tab_to,
)

# Read only: the demo is loaded once for the module (tests/browser.py, demo_site_url).
pytestmark = [pytest.mark.browser]

VIEWPORTS = {
    "320 px": {"width": 320, "height": 640},
    "1280 px": {"width": 1280, "height": 800},
    "1280 px à 200 %": {"width": 640, "height": 400},
}

# Elements whose content overflows a box that hides it (overflow hidden or clip), leaving out
# the visually hidden texts meant for screen readers (1 px boxes, on purpose) and the form
# fields, whose long values scroll inside them as the reader types or moves the caret.
CLIPPED_JS = """() => {
    const clipped = [];
    const fields = ['INPUT', 'SELECT', 'TEXTAREA'];
    for (const element of document.querySelectorAll('body, body *')) {
        if (fields.includes(element.tagName)) continue;
        const style = getComputedStyle(element);
        const hides = ['hidden', 'clip'].includes(style.overflowX)
            || ['hidden', 'clip'].includes(style.overflowY);
        if (!hides || element.clientWidth <= 1 || style.display === 'none') continue;
        if (element.scrollWidth > element.clientWidth + 1
                || element.scrollHeight > element.clientHeight + 1) {
            clipped.push(element.tagName.toLowerCase()
                + (element.className ? '.' + String(element.className).replace(/ +/g, '.') : '')
                + ' « ' + element.innerText.trim().slice(0, 40) + ' »');
        }
    }
    return clipped;
}"""

HORIZONTAL_SCROLL_JS = (
    "() => [document.documentElement.scrollWidth, window.innerWidth, "
    "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
    " > window.innerWidth + 1).slice(-3).map(e => e.tagName + '.' + e.className)]"
)

MAIN_NAVIGATION = "nav[aria-label='Navigation principale'] a"
HEADER_SEARCH = "#site-search-q"
MENU_TOGGLE = "summary.site-menu__toggle"


def assert_fits(page: Page, viewport: str) -> None:
    scroll_width, inner_width, wide = page.evaluate(HORIZONTAL_SCROLL_JS)
    assert scroll_width <= inner_width, (
        f"{viewport}: horizontal scroll on {page.url} ({scroll_width} > {inner_width} px); "
        f"wider than the window: {wide}"
    )
    clipped = page.evaluate(CLIPPED_JS)
    assert not clipped, f"{viewport}: clipped content on {page.url}: {clipped}"


def assert_navigation_and_search_reachable(page: Page, viewport: str) -> None:
    navigation = page.locator(MAIN_NAVIGATION)
    assert navigation.count() > 0, f"{viewport}: no main navigation on {page.url}"
    assert page.locator(HEADER_SEARCH).is_visible(), f"{viewport}: search hidden on {page.url}"

    # From the top of the page (the skip link), as after loading it. On narrow screens the
    # navigation waits behind the « Menu » disclosure: the keyboard opens it first.
    page.locator(".skip-link").focus()
    if page.locator(MENU_TOGGLE).is_visible():
        tab_to(page, "Menu", tag="summary", limit=5)
        page.keyboard.press("Enter")
    assert navigation.first.is_visible(), f"{viewport}: main navigation hidden on {page.url}"
    first_link = navigation.first.inner_text().strip()
    tab_to(page, first_link, tag="a", limit=30)
    tab_to(page, "Rechercher", tag="input", limit=30)
    assert focused_element(page)["id"] == HEADER_SEARCH[1:]


def record_hosts(page: Page) -> set[str]:
    """The hosts of every request the page makes from now on (data: and blob: addresses,
    which have no host, are left out)."""
    hosts: set[str] = set()

    def note(request) -> None:
        host = urlsplit(request.url).netloc
        if host:
            hosts.add(host)

    page.on("request", note)
    return hosts


@pytest.mark.parametrize("checked", CHECKED_PAGES, ids=CHECKED_IDS)
def test_page_reads_at_every_width_without_other_hosts(checked, demo_site_url, chromium):
    site = demo_site_url
    url, cookies = resolve(checked, site)
    site_host = urlsplit(site).netloc
    with browser_session(chromium) as browser:
        context = new_context(browser, cookies)
        page = context.new_page()
        hosts = record_hosts(page)
        for number, (viewport, size) in enumerate(VIEWPORTS.items()):
            page.set_viewport_size(size)
            open_checked(page, checked, url)  # opened again: resources chosen by width load
            if number == 0:  # what scripts ask for after the load does not depend on the width
                page.wait_for_load_state("networkidle")
            assert hosts <= {site_host}, f"{viewport}: {url} asked other hosts: {sorted(hosts)}"
            assert_fits(page, viewport)
            assert_navigation_and_search_reachable(page, viewport)
        context.close()


PRINTED_JS = """() => {
    const shown = (selector) => [...document.querySelectorAll(selector)]
        .some(element => getComputedStyle(element).display !== 'none');
    const external = document.querySelector('main a[href^="http"]');
    return {
        header: shown('header'), footer: shown('footer'), search: shown('form[role=search]'),
        externalAfter: external ? getComputedStyle(external, '::after').content : null,
        externalHref: external ? external.getAttribute('href') : null,
        colors: [...document.querySelectorAll('main, main *')].map(e => getComputedStyle(e).color)
            .filter(color => color !== 'rgb(0, 0, 0)').slice(0, 3),
        background: getComputedStyle(document.body).backgroundColor,
    };
}"""


def test_printed_page_is_the_content_in_black_with_external_addresses(demo_site_url, chromium):
    site = demo_site_url
    # The convention page links each signatory's website: links to other sites.
    with browser_session(chromium) as browser:
        page = new_context(browser).new_page()
        page.goto(site + "/paca/")
        page.emulate_media(media="print")
        printed = page.evaluate(PRINTED_JS)

    assert not printed["header"] and not printed["footer"] and not printed["search"], printed
    assert printed["externalHref"], "the demo's convention page links no other site"
    assert printed["externalHref"] in printed["externalAfter"], printed
    assert printed["colors"] == [], f"text not black in print: {printed['colors']}"
    assert printed["background"] in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"), printed
