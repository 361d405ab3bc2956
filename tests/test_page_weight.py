"""Fast pages: every page type of the demo, with the stylesheets and scripts it links,
weighs under 100 KB, and loads nothing from another host."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders

from members.models import Member

MAX_PAGE_BYTES = 100 * 1024


def a_member_card() -> str:
    member = Member.objects.filter(status=Member.Status.ACTIVE, user__username="karim").get()
    return f"/paca/annuaire/membres/{member.pk}/"


def a_reglement_comparison() -> str:
    from cms.reglement.models import ReglementVersion

    oldest = ReglementVersion.objects.order_by("adopted_on", "pk").first()
    return f"/paca/reglement/versions/comparer/?de={oldest.pk}&a=en-vigueur"


@dataclass(frozen=True)
class PageCase:
    """One page type of the demo and who opens it: members-only pages are not public,
    the login form is for anonymous readers only."""

    name: str
    url: str | Callable[[], str]
    public: bool = True
    for_members: bool = True

    def path(self) -> str:
        return self.url() if callable(self.url) else self.url


PAGE_CASES = [
    PageCase("home", "/"),
    PageCase("convention", "/paca/"),
    PageCase("reglement", "/paca/reglement/"),
    PageCase("dossier-index", "/paca/dossiers/"),
    PageCase("dossier", "/paca/dossiers/non-recours-numerique/"),
    PageCase(
        "contribution", "/paca/dossiers/non-recours-numerique/atelier-demarches-en-ligne-2021/"
    ),
    PageCase("meetings", "/paca/rencontres/"),
    PageCase("meeting", "/paca/rencontres/seminaire-acces-aux-droits/"),
    PageCase("directory", "/paca/annuaire/", public=False),
    PageCase("directory-organisations", "/paca/annuaire/structures/", public=False),
    PageCase("member-card", a_member_card, public=False),
    PageCase("standard", "/mentions-legales/"),
    PageCase("search", "/recherche/?q=num%C3%A9rique"),
    PageCase("login", "/connexion/", for_members=False),
    PageCase("contact", "/contact/"),
    PageCase("reglement-versions", "/paca/reglement/versions/"),
    PageCase("reglement-compare", a_reglement_comparison),
    PageCase("my-space", "/mon-espace/", public=False),
    PageCase("my-proposals", "/propositions/", public=False),
    PageCase("follows", "/suivi/", public=False),
    PageCase("my-registrations", "/inscriptions/", public=False),
]
READERS = ["anonymous", "membre"]


def reader_cases() -> list:
    """(page, reader) pairs: members-only pages are measured for the member only."""
    return [
        pytest.param(case, reader, id=f"{case.name}-{reader}")
        for case in PAGE_CASES
        for reader in READERS
        if (case.public if reader == "anonymous" else case.for_members)
    ]


def open_as(client, reader: str, case: PageCase):
    if reader != "anonymous":
        client.force_login(get_user_model().objects.get(username=reader))
    response = client.get(case.path())
    assert response.status_code == 200, f"{case.name}: {response.status_code}"
    return response


class Resources(HTMLParser):
    """The URLs a browser fetches to show the page: stylesheets, scripts, images, frames."""

    def __init__(self) -> None:
        super().__init__()
        self.stylesheets: list[str] = []
        self.scripts: list[dict] = []
        self.others: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and "stylesheet" in values.get("rel", "").split():
            self.stylesheets.append(values.get("href", ""))
        elif tag == "link" and values.get("rel") in {"preload", "modulepreload", "icon"}:
            self.others.append(values.get("href", ""))
        elif tag == "script" and values.get("src"):
            self.scripts.append(values)
        elif tag in {"img", "iframe", "source", "video", "audio", "embed"}:
            self.others.extend(value for name, value in attrs if name == "src" and value)
            for name in ("srcset",):
                for candidate in values.get(name, "").split(","):
                    if candidate.strip():
                        self.others.append(candidate.split()[0])

    def urls(self) -> list[str]:
        return self.stylesheets + [script["src"] for script in self.scripts] + self.others


def resources_of(html: str) -> Resources:
    parser = Resources()
    parser.feed(html)
    return parser


def local_static_size(url: str) -> int:
    assert url.startswith(settings.STATIC_URL), f"{url} is not a static file of the site"
    path = finders.find(url[len(settings.STATIC_URL) :].split("?")[0])
    assert path, f"{url} not found among the static files"
    with open(path, "rb") as file:
        return len(file.read())


def foreign_urls(urls: list[str]) -> list[str]:
    return [url for url in urls if urlsplit(url).netloc not in {"", "testserver"}]


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False


@pytest.mark.parametrize("case, reader", reader_cases())
def test_page_and_its_styles_and_scripts_weigh_under_100_kb(client, demo, case, reader):
    response = open_as(client, reader, case)
    html = response.content.decode()
    resources = resources_of(html)
    linked = resources.stylesheets + [script["src"] for script in resources.scripts]
    total = len(response.content) + sum(local_static_size(url) for url in linked)
    assert total < MAX_PAGE_BYTES, f"{case.name} weighs {total} bytes"


@pytest.mark.parametrize("case, reader", reader_cases())
def test_page_loads_nothing_from_another_host(client, demo, case, reader):
    resources = resources_of(open_as(client, reader, case).content.decode())
    assert resources.stylesheets, "the site's stylesheet is linked"
    assert foreign_urls(resources.urls()) == []


@pytest.mark.parametrize("case, reader", reader_cases())
def test_no_script_blocks_the_rendering(client, demo, case, reader):
    resources = resources_of(open_as(client, reader, case).content.decode())
    blocking = [
        script["src"]
        for script in resources.scripts
        if not ({"defer", "async"} & set(script) or script.get("type") == "module")
    ]
    assert blocking == []


def test_the_foreign_host_check_catches_a_cdn(demo):
    html = (
        '<link rel="stylesheet" href="https://cdn.example.net/x.css">'
        '<script src="//cdn.example.net/x.js" defer></script>'
        '<img src="/media/a.png" srcset="https://img.example.net/a.png 2x">'
        '<iframe src="https://video.example.net/embed"></iframe>'
        '<a href="https://example.org/">un lien n’est pas chargé</a>'
    )
    assert foreign_urls(resources_of(html).urls()) == [
        "https://cdn.example.net/x.css",
        "//cdn.example.net/x.js",
        "https://img.example.net/a.png",
        "https://video.example.net/embed",
    ]
