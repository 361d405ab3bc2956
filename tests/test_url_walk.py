"""Every URL of the project's own apps, with odd parameters, as each role: never a 5xx.

The walk reads the URL patterns from the resolver (``cms.urls`` and what it includes),
keeps the project's own views (and the login and password views ``cms.urls`` sets up),
leaves out Wagtail's and Django's own patterns except a short list of admin screens, and
adds a sample of the demo's pages (served by Wagtail, rendered by the project's models).
Path converters get odd values (ids of existing, restricted and missing objects, ``0``,
huge numbers, text, unicode); query strings get odd parameters; each URL is asked with
GET and POST (CSRF checks are off in the test client). Every request runs in a savepoint
rolled back after it, so a POST changes nothing for the next one.

To stay fast, the parameters are sampled (a fixed seed, so a failure comes back), not
crossed in full.
"""

from __future__ import annotations

import random
import re
import traceback
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from wagtail.models import Page

from cms.access import can_view_page

pytestmark = pytest.mark.django_db

PROJECT_PACKAGES = ("cms", "members", "search")
# Login and password views come from django.contrib.auth but are set up by cms.urls.
ROOT_NAMES_KEPT = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "sitemap",
}
ADMIN_SCREENS = [
    "/admin/",
    "/admin/pages/",
    "/admin/pages/search/",
    "/admin/members/member/",
    "/admin/members/adhesionrequest/",
]
ROLES = {
    "anonyme": None,
    "membre": "membre",
    "referente": "referente",
    "coordination": "coordination",
}
ODD_QUERIES = [
    "page=abc",
    "page=-1",
    "page=999999",
    "page=0",
    "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "q=" + "é" * 2000,
    "q=",
    "sort=zzz",
    "college=nope",
    "year=abc",
    "year=99999999999999999999",
    "de=x&a=y",
    "next=https%3A%2F%2Fevil.example",
    "page=1&page=2&q=a&q=b",
    "type=%00&theme=%F0%9F%98%80",
    "territory=nope&kind=zzz&format=zzz",
]
ODD_TEXT = ["abc", "é😀漢", "0", "x" * 300, "a.b:c-d_e"]
ODD_PATHS = ["abc", "original_images/nope.jpg", "../../etc/passwd", "images/é😀.png"]
HUGE = [2**31, 10**18 - 1, 2**63, 10**30]
EXTRA_QUERIES = 1  # more odd query strings for the first path of each route
POSTS_PER_ROUTE = 2  # paths of a route also asked with POST
PAGES_SAMPLED = 10


@dataclass(frozen=True)
class Route:
    """One URL pattern: its route with converters, e.g. ``suivi/dossiers/<int:page_id>/``."""

    route: str
    name: str


def _project_callback(pattern: URLPattern) -> bool:
    callback = pattern.callback
    target = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    module = getattr(target or callback, "__module__", None) or type(callback).__module__
    return module.split(".")[0] in PROJECT_PACKAGES


def _routes(patterns, prefix: str = "", top: bool = True) -> Iterator[Route]:
    for entry in patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue  # regex patterns: Wagtail's and the admin's own
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            module = getattr(entry.urlconf_module, "__name__", "")
            if not module:  # a list of patterns written in the including module
                yield from _routes(entry.url_patterns, route, top=top)
            elif module.split(".")[0] in PROJECT_PACKAGES:
                yield from _routes(entry.url_patterns, route, top=False)
        elif _project_callback(entry) or (top and entry.name in ROOT_NAMES_KEPT):
            yield Route(route, entry.name or "")


CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")


def _values(kind: str, ids: list[int]) -> list[str]:
    if kind in ("int", "id"):
        return [str(value) for value in [*ids, 0, *HUGE]]
    if kind == "path":
        return ODD_PATHS
    if kind == "slug":
        return ["abc", "zz-zz", "0"]
    if kind == "uuid":
        return ["00000000-0000-0000-0000-000000000000"]
    return ODD_TEXT


def _fill(route: str, ids: list[int], rng: random.Random) -> list[str]:
    """Concrete paths for a route: every odd value for its first converter, a sample
    for the others."""
    converters = list(CONVERTER.finditer(route))
    if not converters:
        return ["/" + route]
    first, *others = converters
    paths = []
    for value in _values(first["kind"] or "str", ids):
        path = route
        for match in reversed(converters):
            chosen = value if match is first else rng.choice(_values(match["kind"] or "str", ids))
            path = path[: match.start()] + chosen + path[match.end() :]
        paths.append("/" + path)
    return paths


# The page types the views with a page id expect; one page of each the reader may see and
# one they may not is enough to reach every branch of "found, hidden, wrong type".
PAGE_TYPES = ("DossierPage", "ContributionPage", "EventPage", "EventIndexPage", "ReglementPage")


def interesting_ids(user) -> list[int]:
    """Ids that mean something to the views: pages the reader may and may not see,
    règlement proposals, and an id that exists nowhere."""
    from cms.reglement.models import VersionProposal

    reader = user or AnonymousUser()
    ids: dict[tuple[str, bool], int] = {}
    for page in Page.objects.filter(depth__gt=1).specific().order_by("pk"):
        kind = (type(page).__name__, can_view_page(reader, page))
        if kind[0] in PAGE_TYPES:
            ids.setdefault(kind, page.pk)
    proposals = set(VersionProposal.objects.order_by("pk").values_list("pk", flat=True)[:2])
    missing = (Page.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 10_000
    return sorted({*ids.values(), *proposals, missing})


def _client(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def walk_targets(demo) -> dict:
    rng = random.Random(10)
    routes = sorted(set(_routes(get_resolver().url_patterns)), key=lambda r: r.route)
    pages = list(Page.objects.live().filter(depth__gt=1).specific().order_by("pk"))
    sample = rng.sample(pages, min(PAGES_SAMPLED, len(pages)))
    return {"routes": routes, "page_urls": [page.url for page in sample if page.url]}


def _ask(client: Client, method: str, url: str, username: str | None) -> tuple[int, str]:
    """One request in a rolled-back savepoint: the status, or the exception it raised."""
    try:
        with transaction.atomic():
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, {"q": "<b>", "page": "x", "email": "x", "id": "-1"})
            transaction.set_rollback(True)
        status, error = response.status_code, ""
    except Exception:  # noqa: BLE001 - any exception is a 500 to report
        status, error = 500, traceback.format_exc(limit=-3)
    if method == "POST" and username:
        client.force_login(get_user_model().objects.get(username=username))  # after logout
    return status, error


@pytest.mark.parametrize("role", list(ROLES))
def test_no_url_of_the_project_answers_a_server_error(walk_targets, role):
    username = ROLES[role]
    user = get_user_model().objects.get(username=username) if username else None
    client = _client(username)
    rng = random.Random(f"walk-{role}")
    ids = interesting_ids(user)

    # (method, path) pairs: every odd path of a route with GET and one odd query string,
    # a few of them with POST, and the route's first path with more query strings.
    requests: list[tuple[str, str]] = []
    paths_of_routes = [_fill(route.route, ids, rng) for route in walk_targets["routes"]]
    paths_of_routes += [[url] for url in walk_targets["page_urls"] + ADMIN_SCREENS]
    for paths in paths_of_routes:
        first = paths[0]
        requests.append(("GET", first))
        requests += [("GET", f"{first}?{q}") for q in rng.sample(ODD_QUERIES, EXTRA_QUERIES)]
        requests += [("GET", f"{path}?{rng.choice(ODD_QUERIES)}") for path in paths]
        for path in rng.sample(paths, min(POSTS_PER_ROUTE, len(paths))):
            requests.append(("POST", f"{path}?{rng.choice(ODD_QUERIES)}"))

    failures = []
    for method, url in dict.fromkeys(requests):
        status, error = _ask(client, method, url, username)
        if status >= 500:
            failures.append(f"{method} {url[:200]} -> {status}\n{error}")
    asked = len(set(requests))

    assert asked > 100, "the walk found too few URLs: the pattern filter is broken"
    assert not failures, f"{len(failures)} server errors as {role}:\n\n" + "\n\n".join(failures)


def test_walk_covers_the_project_apps(walk_targets):
    names = {route.name for route in walk_targets["routes"]}
    # One view of each app the walk must reach, so a refactor cannot silently drop one.
    for expected in ("follow", "adhesion", "search", "feed_dossier", "login", "propose", "media"):
        assert expected in names, f"{expected} is no longer walked"
    assert not any(route.route.startswith("admin/") for route in walk_targets["routes"])
