"""The access decision is taken once per reader and per request, and never shared.

``cms.access`` keeps the decision on the user object it was asked about, and
``anonymous_reader(request)`` gives one anonymous visitor per request: templates that ask
"is this dossier public?" several times decide once. These tests pin that the memo
stays with its reader (a second user, in the same process, gets their own answer) and
with its request (the next request decides again).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from cms.access import anonymous_reader, can_view_page, is_public_page, restriction_admits
from tests.conftest import load

CONTENT = {
    "pages": [
        {"type": "convention", "slug": "conv", "title": "Conv", "visibility": "public",
         "children": [
            {"type": "dossier_index", "slug": "idx", "title": "Index", "visibility": "public",
             "children": [
                {"type": "dossier", "slug": "ouvert", "title": "Ouvert", "theme": "Thème",
                 "visibility": "public"},
                {"type": "dossier", "slug": "college", "title": "Collège", "theme": "Thème",
                 "visibility": {"colleges": ["personnes-accompagnees"]}},
            ]}]}
    ]
}  # fmt: skip


@pytest.fixture
def dossiers(people):
    load(CONTENT)
    return {page.slug: page for page in Page.objects.filter(slug__in=["ouvert", "college"])}


def test_second_user_in_the_same_process_gets_their_own_answer(people, dossiers):
    college = dossiers["college"]

    assert can_view_page(people["pa"], college) is True
    assert can_view_page(people["formation"], college) is False
    # And the first one's answer did not change by the second being asked.
    assert can_view_page(people["pa"], college) is True


def test_decision_is_taken_once_per_user_object(people, dossiers):
    reader = people["formation"]
    can_view_page(reader, dossiers["ouvert"])

    with CaptureQueriesContext(connection) as queries:
        can_view_page(reader, dossiers["college"])
        can_view_page(reader, dossiers["ouvert"])

    assert len(queries) == 0


def test_one_anonymous_reader_per_request():
    factory = RequestFactory()
    request = factory.get("/")

    assert anonymous_reader(request) is anonymous_reader(request)
    assert anonymous_reader(request) is not anonymous_reader(factory.get("/"))
    assert not anonymous_reader(request).is_authenticated


def test_next_request_sees_a_restriction_added_since(people, dossiers):
    factory = RequestFactory()
    opened = dossiers["ouvert"]
    first = factory.get("/")
    assert can_view_page(anonymous_reader(first), opened) is True

    PageViewRestriction.objects.create(page=opened, restriction_type=PageViewRestriction.LOGIN)

    assert can_view_page(anonymous_reader(factory.get("/")), opened) is False


def test_anonymous_answer_is_not_a_members_answer(people, dossiers):
    request = RequestFactory().get("/")
    college = dossiers["college"]
    assert can_view_page(people["pa"], college) is True

    assert can_view_page(anonymous_reader(request), college) is False


def test_restriction_admits_agrees_with_the_page_decision(people, dossiers):
    restriction = PageViewRestriction.objects.get(page=dossiers["college"])

    assert restriction_admits(people["pa"], restriction) is True
    assert restriction_admits(people["formation"], restriction) is False
    assert restriction_admits(AnonymousUser(), restriction) is False


@pytest.mark.parametrize("slug, public", [("ouvert", True), ("college", False)])
def test_is_public_page_answers_as_for_an_anonymous_reader(people, dossiers, slug, public):
    for reader in (people["pa"], people["formation"], None):
        assert is_public_page(dossiers[slug], reader) is public
    assert can_view_page(AnonymousUser(), dossiers[slug]) is public


def test_is_public_page_asks_nothing_once_the_readers_own_decision_is_taken(people, dossiers):
    reader = people["pa"]
    can_view_page(reader, dossiers["ouvert"])

    with CaptureQueriesContext(connection) as queries:
        is_public_page(dossiers["college"], reader)
        is_public_page(dossiers["ouvert"], reader)

    assert len(queries) == 0
