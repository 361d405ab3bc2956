"""Routing an address in one query (cms/routing.py) finds what Wagtail's walk finds.

The reference is Wagtail's own ``Page.route``, put back on every page type for the
comparison: same page, same sub-route view and arguments, same 404, for every page of
the demo, every sub-route of its routable pages, drafts, pages below a draft, and
addresses that name nothing.
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from cms.models import ContributionPage, DossierPage
from cms.models.base import IntranetPage

pytestmark = pytest.mark.django_db


def segments(url_path: str) -> list[str]:
    return [segment for segment in url_path.split("/") if segment]


def route(address: str):
    """(page id, view name, view arguments) of the route, or "404"."""
    root = Site.objects.get(is_default_site=True).root_page.specific
    try:
        result = root.route(RequestFactory().get(address), segments(address))
    except Http404:
        return "404"
    page, args, kwargs = result
    page_id = page.pk
    if args:  # a routable page's sub-route: (view, its args, its kwargs)
        sub_view, sub_args, sub_kwargs = args
        return page_id, sub_view.__name__, tuple(sub_args), dict(sub_kwargs)
    return page_id, None, (), dict(kwargs)


def wagtails_route(address: str):
    with mock.patch.object(IntranetPage, "route", Page.route):
        return route(address)


def addresses() -> list[str]:
    """Every page of the demo below the site's root, their sub-routes, and odd endings."""
    root = Site.objects.get(is_default_site=True).root_page
    found = ["/"]
    for page in Page.objects.descendant_of(root).specific():
        address = page.url_path[len(root.url_path) - 1 :]
        found += [address, address + "nope/", address + "nope/deeper/"]
        if hasattr(page, "get_subpage_urls"):
            for pattern in page.get_subpage_urls():
                route_text = str(pattern.pattern)
                filled = route_text.replace("<int:pk>", "1").replace("<slug:slug>", "x")
                found.append(address + filled)
    return found


def test_every_demo_address_routes_as_wagtail_routes_it(demo):
    compared = addresses()
    assert len(compared) > 100
    both = [(address, route(address), wagtails_route(address)) for address in compared]
    assert [(address, ours, theirs) for address, ours, theirs in both if ours != theirs] == []
    # Not a comparison of 404s alone: pages and sub-routes are found.
    assert sum(ours != "404" for _, ours, _ in both) > 50
    assert any(ours != "404" and ours[1] is not None for _, ours, _ in both)


def test_a_draft_is_not_found_and_its_live_child_still_is(demo):
    contribution = ContributionPage.objects.live().first()
    dossier = contribution.get_parent()
    Page.objects.filter(pk=dossier.pk).update(live=False)
    dossier_address = dossier.url_path.split("/", 2)[2]
    child_address = contribution.url_path.split("/", 2)[2]
    assert route("/" + dossier_address) == wagtails_route("/" + dossier_address) == "404"
    assert (
        route("/" + child_address)[0] == wagtails_route("/" + child_address)[0] == contribution.pk
    )


def test_a_draft_routable_page_hands_its_sub_route_to_a_child_as_wagtail_does(demo):
    dossier = DossierPage.objects.live().first()
    Page.objects.filter(pk=dossier.pk).update(live=False)
    address = "/" + dossier.url_path.split("/", 2)[2] + "synthese/pdf/"
    assert route(address) == wagtails_route(address) == "404"


def test_routing_costs_the_same_queries_at_every_depth(demo):
    root = Site.objects.get(is_default_site=True).root_page.specific
    shallow = root.get_children().live().first()
    deep = ContributionPage.objects.live().first()
    assert deep.depth - shallow.depth >= 2
    counts = []
    for page in (shallow, deep):
        request = RequestFactory().get("/")
        with CaptureQueriesContext(connection) as queries:
            root.route(request, segments(page.url_path[len(root.url_path) :]))
        counts.append(len(queries))
    assert counts == [2, 2]  # the candidates of every segment, then the page's own row
