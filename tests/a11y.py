"""Accessibility checks shared by the browser tests: axe-core, focus indicators, checked pages.

axe-core comes from npm (`make install-test` runs `npm ci`) and is injected into each page;
it reports WCAG 2.0 / 2.1 A and AA rules (RGAA 4.1 builds on them) plus axe's best practices.
A check fails on every violation of impact "serious" or "critical".

Every page type of the demo, and the forms around them, is listed once in CHECKED_PAGES so
that tests/test_accessibility.py (axe) and tests/test_responsive.py (widths, zoom, hosts)
check the same pages. Resolving a page (user session, member id, a created page) touches
the database, so it happens before Playwright starts (see tests/test_browser.py for why).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser import LOGGED_IN, SHARED_CHROMIUM, TIMEOUT_MS

AXE_JS = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING_IMPACTS = {"serious", "critical"}
DEMO_PASSWORD = "demo-convention"


# axe-core


def axe_script() -> Path:
    """axe-core's bundle, or a failure that says how to install it."""
    if not AXE_JS.is_file():
        pytest.fail(
            f"axe-core is missing ({AXE_JS}). Install it with `make install-test` "
            "(which runs `npm ci`) before running the accessibility checks."
        )
    return AXE_JS


def run_axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated, not added as a <script>: the site's CSP rightly refuses inline scripts.
        page.evaluate(axe_script().read_text(encoding="utf-8"))
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {
                runOnly: {type: 'tag', values: tags},
                resultTypes: ['violations'],
            });
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                targets: v.nodes.map(n => n.target.join(' ')),
                summaries: v.nodes.map(n => n.failureSummary || ''),
            }));
        }""",
        AXE_TAGS,
    )


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    """One paragraph per violation: rule, impact, help, then each failing element."""
    lines: list[str] = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for target, summary in zip(violation["targets"], violation["summaries"], strict=True):
            first_line = summary.splitlines()[1:2] or [""]
            lines.append(f"    {target}  {first_line[0].strip()}")
    return "\n".join(lines)


def assert_no_blocking_violations(page: Page) -> None:
    found = blocking(run_axe(page))
    assert not found, (
        f"axe-core: {len(found)} serious or critical violation(s) on {page.url}\n" + describe(found)
    )


# Focus


# The focused element: its tag, a rough accessible name (aria-label, label, text or value),
# where it is, and whether its computed style draws an outline or a box shadow.
FOCUSED_JS = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    let name = element.getAttribute('aria-label') || '';
    if (!name && element.labels && element.labels.length) name = element.labels[0].innerText;
    if (!name) name = element.innerText || element.value || '';
    const box = element.getBoundingClientRect();
    return {
        tag: element.tagName.toLowerCase(),
        id: element.id,
        name: name.replace(/\\s+/g, ' ').trim(),
        inMain: !!element.closest('main'),
        inBanner: !!element.closest('header, [role=banner]'),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
        shadow: style.boxShadow !== 'none',
        onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
            && box.top < window.innerHeight && box.left < window.innerWidth,
    };
}"""
INDICATED_TAGS = {"a", "button", "input", "select", "textarea", "summary"}
SMOOTH_SCROLL_MS = 600


def focused_element(page: Page) -> dict[str, Any] | None:
    return page.evaluate(FOCUSED_JS)


def assert_focus_visible(focused: dict[str, Any] | None, url: str) -> None:
    """The focused control is on screen and draws an outline or a box shadow."""
    assert focused is not None, f"Nothing has the keyboard focus on {url}"
    where = f"<{focused['tag']}> « {focused['name'][:60]} » on {url}"
    assert focused["outline"] or focused["shadow"], f"No focus indicator on the focused {where}"
    assert focused["onScreen"], f"The focused {where} is not on screen"


def tab_to(
    page: Page,
    name: str,
    *,
    tag: str = "",
    in_main: bool = False,
    backwards: bool = False,
    limit: int = 250,
) -> dict[str, Any]:
    """Press Tab (or Shift+Tab) until the focus is on the control named `name`.

    Every link, button or field the focus passes on must show a focus indicator.
    """
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        focused = focused_element(page)
        if focused is None:
            continue
        if focused["tag"] in INDICATED_TAGS:
            if not focused["onScreen"]:
                # A page that scrolls smoothly (Wagtail's admin) brings the focus into view late.
                page.wait_for_timeout(SMOOTH_SCROLL_MS)
                focused = focused_element(page)
            assert_focus_visible(focused, page.url)
        if (
            focused["name"] == name
            and (not tag or focused["tag"] == tag)
            and (not in_main or focused["inMain"])
        ):
            return focused
    raise AssertionError(f"« {name} » was not reached with {key} on {page.url}")


def skip_to_content(page: Page) -> None:
    """The first Tab reaches the visible skip link; Enter puts the focus on the main content."""
    page.keyboard.press("Tab")
    focused = focused_element(page)
    assert focused is not None and focused["name"] == "Aller au contenu", (
        f"The first Tab does not reach the skip link on {page.url}: {focused}"
    )
    assert_focus_visible(focused, page.url)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu", (
        f"The skip link does not move the focus to the main content on {page.url}"
    )


# Browser


def log_in(page: Page, site: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the form, as a reader would, and wait for the logged-in header."""
    page.goto(site + "/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Mon profil")).to_be_visible()


def expect_h1(page: Page, text: str) -> None:
    """The page has one h1, reading ``text``."""
    # The address in the message: a wrong page (a 404) says where the browser went.
    heading = page.get_by_role("heading", level=1)
    expect(heading, f"the h1 of {page.url}").to_have_count(1)
    expect(heading, f"the h1 of {page.url}").to_have_text(text)


@contextmanager
def browser_session(chromium: Path) -> Iterator[Browser]:
    """Chromium for one test (shared by a module's read-only tests, see tests/browser.py)."""
    browser = SHARED_CHROMIUM.get(chromium)
    try:
        yield browser
    finally:
        SHARED_CHROMIUM.done_with_test()


def new_context(browser: Browser, cookies: list[dict] | None = None, **options) -> BrowserContext:
    context = browser.new_context(locale="fr-FR", **options)
    context.set_default_timeout(TIMEOUT_MS)
    if cookies:
        context.add_cookies(cookies)
    return context


def screenshot_folder(variable: str) -> Path | None:
    """Where tests leave screens for a person to look at: the folder named by the
    environment variable ``variable``; None when it is unset (no screenshot)."""
    folder = os.environ.get(variable, "")
    return Path(folder) if folder else None


def screenshot_if_asked(page: Page, folder: Path | None, name: str, full_page: bool = True) -> None:
    if folder is not None:
        page.screenshot(path=str(folder / name), full_page=full_page)


def session_cookies(username: str | None, site: str) -> list[dict]:
    """The session cookie of `username` logged in (no cookie for an anonymous reader)."""
    if username is None:
        return []
    if username in LOGGED_IN:  # a session committed before the test (demo_site_url)
        return [{"name": settings.SESSION_COOKIE_NAME, "value": LOGGED_IN[username], "url": site}]
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    name = settings.SESSION_COOKIE_NAME
    return [{"name": name, "value": client.cookies[name].value, "url": site}]


# Pages checked


@dataclass(frozen=True)
class CheckedPage:
    """A page to check: its address, who reads it, its h1, and a form to submit first."""

    id: str
    path: str
    h1: str
    user: str | None = None
    # Name of a button to press once loaded (to show a form's validation errors).
    submit: str = ""


DOSSIER = "/paca/dossiers/non-recours-numerique/"
MEETING = "/paca/rencontres/seminaire-acces-aux-droits/"
ORGANISATIONS = "/paca/annuaire/structures/"
PROPOSAL_FORM = "/propositions/nouvelle/{dossier_id}/"
CHECKED_PAGES = [
    CheckedPage("home", "/", "Réseau des acteurs du travail social"),
    CheckedPage("convention", "/paca/", "Convention régionale Provence-Alpes-Côte d'Azur"),
    CheckedPage("reglement", "/paca/reglement/", "Règlement de fonctionnement"),
    CheckedPage("dossier-index", "/paca/dossiers/", "Dossiers thématiques"),
    CheckedPage("dossier", DOSSIER, "Non-recours et fracture numérique"),
    CheckedPage(
        "contribution",
        DOSSIER + "atelier-demarches-en-ligne-2021/",
        "Démarches en ligne : ce qui aide vraiment",
    ),
    CheckedPage("meetings", "/paca/rencontres/", "Rencontres"),
    CheckedPage(
        "meeting",
        MEETING,
        "Séminaire : l'accès aux droits à l'heure des démarches en ligne",
        user="membre",
    ),
    CheckedPage("directory", "/paca/annuaire/", "Annuaire des membres", user="membre"),
    CheckedPage(
        "directory-filtered",
        "/paca/annuaire/?college=personnes-accompagnees",
        "Annuaire des membres",
        user="membre",
    ),
    CheckedPage("organisations", ORGANISATIONS, "Annuaire des membres : structures", user="membre"),
    CheckedPage("organisation", ORGANISATIONS + "crpa-paca/", "", user="membre"),
    CheckedPage("member-card", "/paca/annuaire/membres/{referente}/", "Nadia H.", user="membre"),
    CheckedPage("standard-page", "{standard_page}", ""),
    CheckedPage("accessibility-statement", "/accessibilite/", "Déclaration d'accessibilité"),
    CheckedPage("search-results", "/recherche/?q=numérique", "Rechercher"),
    CheckedPage("search-no-result", "/recherche/?q=zxqwvbn", "Rechercher"),
    CheckedPage("login", "/connexion/", "Connexion"),
    CheckedPage("login-errors", "/connexion/", "Connexion", submit="Se connecter"),
    CheckedPage("password-reset", "{password_reset}", ""),
    CheckedPage("adhesion", "/rejoindre/", "Rejoindre la convention"),
    CheckedPage(
        "adhesion-errors", "/rejoindre/", "Rejoindre la convention", submit="Envoyer ma demande"
    ),
    CheckedPage("contact", "/contact/", "Écrire à la coordination"),
    CheckedPage(
        "contact-errors", "/contact/", "Écrire à la coordination", submit="Envoyer le message"
    ),
    CheckedPage("profile", "/mon-profil/", "Mon profil", user="membre"),
    CheckedPage("personal-data", "/mes-donnees/", "Mes données personnelles", user="membre"),
    CheckedPage("my-space", "/mon-espace/", "Mon espace", user="membre"),
    CheckedPage("proposal-form", PROPOSAL_FORM, "", user="membre"),
    CheckedPage(
        "proposal-form-errors", PROPOSAL_FORM, "", user="membre", submit="Envoyer en relecture"
    ),
    CheckedPage("my-proposals", "/propositions/", "", user="membre"),
    CheckedPage("reglement-versions", "/paca/reglement/versions/", ""),
    CheckedPage(
        "reglement-compare", "/paca/reglement/versions/comparer/?de={version_id}&a=en-vigueur", ""
    ),
    CheckedPage("reglement-proposals", "/reglement/propositions/", "", user="coordination"),
    CheckedPage("follows", "/suivi/", "", user="membre"),
    CheckedPage("my-registrations", "/inscriptions/", "", user="membre"),
    CheckedPage("attendees", MEETING + "participants/", "", user="coordination"),
    # Anonymous readers of a members-only page are sent to the login form.
    CheckedPage("restricted-anonymous", "/paca/annuaire/", "Connexion"),
    # A member outside the two colleges that may read this dossier.
    CheckedPage(
        "restricted-member", "/paca/dossiers/jeunesse-education/", "Accès réservé", user="membre"
    ),
    CheckedPage("not-found", "/cette-page-n-existe-pas/", "Page introuvable"),
]
CHECKED_IDS = [checked.id for checked in CHECKED_PAGES]


def checked_page(page_id: str, **changes: Any) -> CheckedPage:
    """The page of CHECKED_PAGES with this id, with ``changes`` (another reader, another id)."""
    page = next(checked for checked in CHECKED_PAGES if checked.id == page_id)
    return replace(page, **changes)


STANDARD_PAGE_TITLE = "Page de texte de test"


def standard_page_path() -> str:
    """A live StandardPage of the demo, or one created under the home page for the test."""
    from wagtail.models import Page as WagtailPage

    from cms.models import HomePage, StandardPage

    existing = StandardPage.objects.live().public().order_by("path").first()
    if existing is not None:
        return existing.get_url()
    home = HomePage.objects.first() or WagtailPage.objects.get(depth=2)
    page = StandardPage(
        title=STANDARD_PAGE_TITLE,
        slug="page-de-texte-test",
        intro="<p>Une page de texte créée par le test.</p>",
        body=[
            ("heading", {"text": "Une section", "level": "h2"}),
            ("paragraph", "<p>Un paragraphe de la section.</p>"),
        ],
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page.get_url()


def resolve(checked: CheckedPage, site: str) -> tuple[str, list[dict]]:
    """The page's absolute URL and the cookies of its reader (database work: before Playwright)."""
    from members.models import Member

    path = checked.path
    if "{dossier_id}" in path:
        from cms.models import DossierPage

        dossier = DossierPage.objects.get(slug="non-recours-numerique")
        path = path.replace("{dossier_id}", str(dossier.pk))
    if "{version_id}" in path:
        from cms.reglement.models import ReglementVersion

        version = ReglementVersion.objects.order_by("adopted_on", "pk").first()
        path = path.replace("{version_id}", str(version.pk))
    if "{referente}" in path:
        path = path.replace("{referente}", str(Member.objects.get(user__username="referente").pk))
    if "{standard_page}" in path:
        path = path.replace("{standard_page}", standard_page_path())
    if "{password_reset}" in path:
        path = path.replace("{password_reset}", reverse("password_reset"))
    return site + path, session_cookies(checked.user, site)


def open_checked(page: Page, checked: CheckedPage, url: str) -> None:
    """Load the page, press its submit button if any, and check it is the page meant."""
    response = page.goto(url)
    assert response is not None
    if checked.submit:
        page.get_by_role("main").get_by_role("button", name=checked.submit).click()
        page.wait_for_load_state()
        page.locator(".field__error, [role=alert]").first.wait_for()
    if checked.h1:
        heading = page.get_by_role("heading", level=1)
        assert heading.count() == 1, f"{page.url}: {heading.count()} h1 instead of one"
        text = heading.inner_text().strip()
        assert text == checked.h1, f"{page.url}: h1 « {text} », expected « {checked.h1} »"
