"""A public reader in a real browser: what the demo content lets them reach, and what it hides.

Chromium from Debian (/usr/bin/chromium) driven by Playwright against pytest-django's live
server, with the demo content (cms/content/demo.json) loaded. Playwright never downloads a
browser here. Without Chromium the tests are skipped locally and fail under CI=true.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser import SHARED_CHROMIUM, TIMEOUT_MS

# Both tests only read the demo: it is loaded once for the module (tests/browser.py).
pytestmark = [pytest.mark.browser]


# Pages of the demo content the tests walk through.
HOME_TITLE = "Réseau des acteurs du travail social"
CONVENTION_TITLE = "Convention régionale Provence-Alpes-Côte d'Azur"
DOSSIERS_TITLE = "Dossiers thématiques"
DOSSIER_PATH = "/paca/dossiers/non-recours-numerique/"
DOSSIER_TITLE = "Non-recours et fracture numérique"
PUBLIC_CONTRIBUTION_PATH = DOSSIER_PATH + "atelier-demarches-en-ligne-2021/"
PUBLIC_CONTRIBUTION_TITLE = "Démarches en ligne : ce qui aide vraiment"
# Visibility {"colleges": ["personnes-accompagnees"]}: only that college may read it.
COLLEGE_ONLY_PATH = DOSSIER_PATH + "entre-nous-numerique/"
COLLEGE_ONLY_TITLE = "Entre nous : ce que le tout-numérique nous fait vivre"
COLLEGE_ONLY_CONTENT = [
    COLLEGE_ONLY_TITLE,
    "Paroles recueillies entre membres du collège des personnes accompagnées",
    "Cette page est réservée au collège des personnes accompagnées.",
    "Mon fils remplit tout pour moi.",
]


@pytest.fixture
def site(demo_site_url):
    return demo_site_url


@pytest.fixture
def browser(chromium, site):
    """The module's Chromium (tests/browser.py), once the demo is in the database."""
    return SHARED_CHROMIUM.get(chromium)


@pytest.fixture
def page(browser):
    """A fresh, anonymous browser page: no cookies, no session."""
    context = browser.new_context(locale="fr-FR")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def expect_page(page, path: str, h1: str) -> None:
    """The reader is on `path`, under one h1 reading `h1`, in a page declared French."""
    expect(page).to_have_url(re.compile(rf"^https?://[^/]+{re.escape(path)}(?:[?#].*)?$"))
    headings = page.get_by_role("heading", level=1)
    expect(headings).to_have_count(1)
    expect(headings).to_have_text(h1)
    expect(page.locator("html")).to_have_attribute("lang", "fr")


def section(page, heading: str):
    """The <section> of the main content titled by the h2 `heading`."""
    return page.locator("main section").filter(
        has=page.get_by_role("heading", level=2, name=heading, exact=True)
    )


def link_to(path: str) -> str:
    """CSS selector of links to `path`, whether written relative or absolute."""
    return f'a[href$="{path}"]'


def test_public_reader_reaches_a_public_contribution(site, page):
    page.goto(site + "/")
    expect_page(page, "/", HOME_TITLE)

    main = page.get_by_role("main")
    main.get_by_role("link", name=CONVENTION_TITLE, exact=True).click()
    expect_page(page, "/paca/", CONVENTION_TITLE)

    main.get_by_role("link", name=DOSSIERS_TITLE, exact=True).click()
    expect_page(page, "/paca/dossiers/", DOSSIERS_TITLE)

    main.get_by_role("link", name=DOSSIER_TITLE, exact=True).click()
    expect_page(page, DOSSIER_PATH, DOSSIER_TITLE)

    contributions = section(page, "Contributions").locator(".cards")
    contributions.get_by_role("link", name=PUBLIC_CONTRIBUTION_TITLE, exact=True).click()
    expect_page(page, PUBLIC_CONTRIBUTION_PATH, PUBLIC_CONTRIBUTION_TITLE)


def test_college_only_contribution_is_not_reachable_by_a_public_reader(site, page):
    page.goto(site + DOSSIER_PATH)
    expect_page(page, DOSSIER_PATH, DOSSIER_TITLE)

    # Not listed among the dossier's contributions, next to a public one that is.
    contributions = section(page, "Contributions").locator(".cards")
    expect(contributions.get_by_role("link", name=PUBLIC_CONTRIBUTION_TITLE)).to_have_count(1)
    expect(contributions.get_by_role("link", name=COLLEGE_ONLY_TITLE)).to_have_count(0)
    expect(contributions.locator(link_to(COLLEGE_ONLY_PATH))).to_have_count(0)

    # Not in the préconisations table either, which does link the public contribution.
    table = section(page, "Récapitulatif des préconisations").get_by_role("table")
    expect(table.get_by_role("link", name=PUBLIC_CONTRIBUTION_TITLE).first).to_be_visible()
    expect(table.get_by_role("link", name=COLLEGE_ONLY_TITLE)).to_have_count(0)
    expect(table.locator(link_to(COLLEGE_ONLY_PATH))).to_have_count(0)

    # Nowhere else on the dossier page.
    expect(page.get_by_text(COLLEGE_ONLY_TITLE)).to_have_count(0)
    expect(page.locator(link_to(COLLEGE_ONLY_PATH))).to_have_count(0)

    # Typing its address lands on the login form, which will bring the reader back afterwards.
    response = page.goto(site + COLLEGE_ONLY_PATH)
    assert response is not None and response.ok
    assert response.request.redirected_from is not None
    assert urlsplit(response.request.redirected_from.url).path == COLLEGE_ONLY_PATH
    expect_page(page, "/connexion/", "Connexion")
    assert parse_qs(urlsplit(page.url).query).get("next") == [COLLEGE_ONLY_PATH]
    expect(page).to_have_title(re.compile(r"^Connexion\b"))
    for text in COLLEGE_ONLY_CONTENT:
        expect(page.locator("body")).not_to_contain_text(text)
