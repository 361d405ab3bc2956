"""What the index answers about a site it holds, on each store: the tests that only read.

The site (tests/search/test_indexing.py's TREE) is loaded and indexed once per store for
the module, in a transaction rolled back after it; each test runs in a savepoint of its
own. The tests that change pages or the index (and so an Elasticsearch index, which no
rollback undoes) stay in test_indexing.py, each with a site of its own.
"""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.management import call_command
from django.test import TestCase, override_settings
from wagtail.models import Page

from search.acl import reader_tokens
from search.contract import SearchQuery
from search.indexing import retry_pending
from search.service import run_search, stores
from tests.conftest import COLLEGES, PEOPLE, load, rolled_back, users_by_name
from tests.search.test_indexing import TREE, delete_test_indices, titles


@pytest.fixture(scope="module", params=["database", "elasticsearch"])
def indexed_site(request, django_db_setup, django_db_blocker):
    """The site, indexed with the database store alone or with Elasticsearch in front of it."""
    if request.param == "elasticsearch":
        engine = {
            "ELASTICSEARCH_URL": request.getfixturevalue("elasticsearch_server"),
            "SEARCH_INDEX_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        }
    else:
        engine = {"ELASTICSEARCH_URL": ""}
    with override_settings(**engine), rolled_back(django_db_blocker):
        # The module never commits: run what a commit would run (search indexing).
        with TestCase.captureOnCommitCallbacks(execute=True):
            for document in ({"colleges": COLLEGES}, PEOPLE, TREE):
                load(document)
        yield request.param
        if request.param == "elasticsearch":
            delete_test_indices()


@pytest.fixture
def site(indexed_site, db):
    return users_by_name()


def test_public_contribution_is_found_with_accents_and_elisions(site):
    assert "L'évaluation partagée" in titles(None)


def test_draft_is_never_found(site):
    assert "Évaluation en brouillon" not in titles(site["coord"])


def test_college_contribution_is_hidden_from_other_colleges(site):
    assert "Paroles sur l'évaluation" not in titles(site["formation"])
    assert "Paroles sur l'évaluation" in titles(site["pa"])


def test_nested_restrictions_need_every_one_of_them(site):
    # "deux" is in PA (passes the dossier) and CT (passes the contribution): both admit.
    assert "Évaluation imbriquée" in titles(site["deux"])
    # "pa" passes the dossier only.
    assert "Évaluation imbriquée" not in titles(site["pa"])
    assert "Évaluation imbriquée" in titles(site["formation"])


def test_facets_never_count_hidden_contributions(site):
    reader = site["formation"]
    query = SearchQuery(text="evaluation", reader_tokens=reader_tokens(reader))
    colleges = {value.value: value.count for value in run_search(query).result.facets["college"]}
    assert "personnes-accompagnees" not in colleges


def test_search_page_shows_highlighted_snippets(client, site):
    response = client.get("/recherche/", {"q": "evaluation"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "L&#x27;évaluation partagée" in html or "L'évaluation partagée" in html
    assert "<mark>" in html
    assert "Paroles sur" not in html


def test_search_api_answers_the_documented_shape(client, site):
    client.force_login(site["pa"])
    data = client.get("/api/search/", {"q": "evaluation"}).json()
    assert data["count"] == len(data["results"]) == 2
    assert set(data["results"][0]) >= {
        "title", "url", "snippet", "type", "colleges", "theme", "date", "score"
    }  # fmt: skip
    assert set(data["facets"]) >= {"college", "theme", "type", "territory", "year"}
    assert data["store"] == (
        "elasticsearch" if stores()[-1].name == "elasticsearch" else "database"
    )


@pytest.mark.parametrize(
    "query", [{"page": "0"}, {"page": "x"}, {"sort": "hasard"}, {"year": "20"}, {"q": "x" * 201}]
)
def test_search_api_refuses_bad_parameters_with_400(client, site, query):
    response = client.get("/api/search/", query)
    assert response.status_code == 400
    assert response.json()["error"]


def test_status_counts_documents(site):
    out = io.StringIO()
    call_command("search_index", "status", stdout=out)
    assert "documents indexés" in out.getvalue()


def test_retry_without_pending_operations_does_nothing(site):
    assert retry_pending() == (0, 0)


def test_pages_listed_by_search_are_pages_the_reader_may_open(client, site):
    client.force_login(site["formation"])
    for result in client.get("/api/search/", {"q": "evaluation"}).json()["results"]:
        assert client.get(result["url"]).status_code == 200
    assert Page.objects.filter(slug="pa").exists()
