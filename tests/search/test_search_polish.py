"""Search polish (issue 12, item 8): what the reader reads in hits, facets and on errors.

- a hit's and a facet's type reads as a French label (« Page de texte »), never as a model
  name (« standardpage »), for every type a search document may carry;
- a hit's date is the content's own: a contribution's date of work, a meeting's day, a
  règlement's adoption, otherwise the first publication (a later edit or import moves
  nothing);
- the « Affiner » block shows only when it has a value to offer;
- a refused query string, a store that does not answer, or no result keep the reader's
  words in the box, with a French message, never a 500.

The page tests run on both stores (``engine``), on pages loaded once for the module; the
year order is a point of the store contract (test_store_contract.py). The demo's labels are
checked in test_search_labels_demo.py: the demo is a database of its own, which cannot be
copied inside this module's transaction.
"""

from __future__ import annotations

import datetime
import html
import re
import socket
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError
from django.test import TestCase, override_settings
from django.utils import timezone
from wagtail.models import get_page_models

from cms.models import ContributionPage, EventPage, StandardPage
from search import breaker
from search.acl import reader_tokens
from search.contract import QueryRefused, SearchQuery
from search.documents import page_documents
from search.indexing import documents_by_key
from search.labels import OTHER_TYPE_LABELS, type_label, type_labels
from search.models import IndexedDocument
from search.service import FALLBACK_NOTICE, elasticsearch_store, run_search
from search.stores.database import DatabaseStore
from search.views import UNAVAILABLE_MESSAGE
from tests.conftest import COLLEGES, PEOPLE, load, rolled_back, users_by_name
from tests.pages import (
    PA_COLLEGE,
    articles,
    contribution,
    dossier_tree,
    open_dossier,
    reglement,
)
from tests.search.test_indexing import delete_test_indices

MEETING = {"type": "event", "slug": "pleniere", "title": "Plénière sur le logement"}
MEETINGS = {
    "type": "event_index", "slug": "rencontres", "title": "Rencontres",
    "children": [{**MEETING, "start": "2022-11-05T09:30:00+01:00"}],
}  # fmt: skip
TEXT_PAGE = {
    "type": "standard",
    "slug": "charte",
    "title": "Charte du logement accompagné",
    "intro": "<p>Notre charte commune.</p>",
}
REGLEMENT = reglement(
    {
        "version": "2",
        "adopted_on": "2021-09-30",
        "articles": articles(("objet", "Objet", "La convention parle de logement.")),
    }
)
TREE = dossier_tree(
    open_dossier(
        contribution(
            "atelier",
            "Atelier logement",
            "2019-03-14",
            contribution_type="temoignage",
            summary="Ce que disent les habitants du logement.",
        ),
        contribution(
            "entre-pairs",
            "Logement entre pairs",
            "2018-06-01",
            contribution_type="diagnostic",
            colleges=["personnes-accompagnees"],
            visibility=PA_COLLEGE,
            summary="Un diagnostic réservé au collège.",
        ),
    ),
    beside=(MEETINGS, TEXT_PAGE, REGLEMENT),
)


@pytest.fixture(scope="module")
def polish_pages(django_db_setup, django_db_blocker):
    """The module's people and pages, indexed in the database store, loaded once."""
    with rolled_back(django_db_blocker), override_settings(ELASTICSEARCH_URL=""):
        load({"colleges": COLLEGES})
        load(PEOPLE)
        # The module's transaction never commits: run what a commit would run.
        with TestCase.captureOnCommitCallbacks(execute=True):
            load(TREE)
        yield


@pytest.fixture(scope="module")
def polish_index(polish_pages, elasticsearch_server, django_db_blocker):
    """The documents of the database store in Elasticsearch too, on indices of the module's own.

    No test writes to the index: the module's tests share it, and it is deleted after them.
    """
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    with (
        override_settings(ELASTICSEARCH_URL=elasticsearch_server, SEARCH_INDEX_PREFIX=prefix),
        django_db_blocker.unblock(),
    ):
        store = elasticsearch_store()
        store.index(documents_by_key(IndexedDocument.objects.values_list("key", flat=True)))
    yield elasticsearch_server, prefix
    delete_test_indices(store)


@pytest.fixture(params=["database", "elasticsearch"])
def engine(request, settings):
    """Each page test with the database store alone, then with Elasticsearch in front of it."""
    if request.param == "elasticsearch":
        settings.ELASTICSEARCH_URL, settings.SEARCH_INDEX_PREFIX = request.getfixturevalue(
            "polish_index"
        )
    else:
        settings.ELASTICSEARCH_URL = ""
    return request.param


@pytest.fixture
def site(engine, polish_pages, db):
    return users_by_name()


@pytest.fixture
def database_site(polish_pages, db, settings):
    """The same pages in the database store alone: the tests that make a store fail."""
    settings.ELASTICSEARCH_URL = ""
    return users_by_name()


def hits(user, text: str = "logement", **filters) -> dict:
    query = SearchQuery(
        text=text, reader_tokens=reader_tokens(user or AnonymousUser()), filters=filters
    )
    return {hit.title: hit for hit in run_search(query).result.hits}


def visible_text(response) -> str:
    """The words a reader sees: tags (and so link addresses) taken out."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def search_box(response) -> str:
    """The value of the search box, as the browser shows it."""
    match = re.search(r'<input id="recherche-q"[^>]*value="([^"]*)"', response.content.decode())
    assert match, "no search box"
    return html.unescape(match.group(1))


# --- Type labels ---------------------------------------------------------------------------


@pytest.mark.parametrize("model", get_page_models(), ids=lambda model: model._meta.model_name)
def test_every_page_type_reads_as_its_french_name(model):
    label = type_label(model._meta.model_name)

    assert label == str(model._meta.verbose_name)[:1].upper() + str(model._meta.verbose_name)[1:]
    assert label != model._meta.model_name


def test_the_french_names_come_from_the_page_types_own_declaration():
    labels = type_labels()

    assert labels["standardpage"] == "Page de texte"
    assert labels["dossierpage"] == "Dossier thématique"
    assert labels["reglementpage"] == "Règlement de fonctionnement"
    assert labels["eventpage"] == "Rencontre"


@pytest.mark.parametrize("value, label", ContributionPage.Type.choices)
def test_every_contribution_type_reads_as_its_label(value, label):
    assert type_label(value) == label


def test_files_and_tracked_items_have_labels_of_their_own():
    assert type_label("document") == OTHER_TYPE_LABELS["document"] == "Pièce jointe"
    assert type_label("followup") == "Préconisation suivie"


def test_an_unknown_type_reads_as_page_not_as_its_identifier():
    assert type_label("ancienmodele") == "Page"


def test_hits_and_facets_show_labels_never_model_names(client, site):
    response = client.get("/recherche/", {"q": "logement"})
    text = visible_text(response)

    assert response.status_code == 200
    for label in ("Page de texte", "Rencontre", "Témoignage"):
        assert label in text
    for model_name in ("standardpage", "eventpage", "temoignage", "contributionpage"):
        assert model_name not in text


def test_the_api_gives_each_result_its_type_label_beside_its_type(client, site):
    results = client.get("/api/search/", {"q": "logement"}).json()["results"]
    types = {result["type"]: result["type_label"] for result in results}

    assert types["standardpage"] == "Page de texte"
    assert types["temoignage"] == "Témoignage"


def test_a_restricted_type_is_no_facet_for_an_outsider_and_one_for_its_college(client, site):
    assert "Diagnostic" not in visible_text(client.get("/recherche/", {"q": "logement"}))
    client.force_login(site["formation"])
    assert "Diagnostic" not in visible_text(client.get("/recherche/", {"q": "logement"}))
    client.force_login(site["pa"])
    assert "Diagnostic" in visible_text(client.get("/recherche/", {"q": "logement"}))


# --- Dates -----------------------------------------------------------------------------------


def test_a_contribution_shows_its_own_date_not_its_publication(site):
    page = ContributionPage.objects.get(slug="atelier")

    assert page.first_published_at.date() > datetime.date(2019, 3, 14)
    assert hits(None)["Atelier logement"].date == datetime.date(2019, 3, 14)


def test_a_restricted_contribution_shows_its_date_to_its_college(site):
    assert "Logement entre pairs" not in hits(None)
    assert hits(site["pa"])["Logement entre pairs"].date == datetime.date(2018, 6, 1)


def test_a_meeting_shows_its_day(site):
    assert hits(None)["Plénière sur le logement"].date == datetime.date(2022, 11, 5)


def test_a_meeting_late_at_night_shows_its_local_day(site):
    meeting = EventPage.objects.get(slug="pleniere")
    meeting.start = datetime.datetime(2022, 11, 5, 23, 30, tzinfo=datetime.UTC)  # 0:30 in Paris

    assert page_documents(meeting)[0].date == datetime.date(2022, 11, 6)


def test_a_text_page_shows_its_first_publication_not_its_last_edit(site):
    page = StandardPage.objects.get(slug="charte")
    page.first_published_at = timezone.make_aware(datetime.datetime(2020, 2, 3, 10))
    page.last_published_at = timezone.now()

    assert page_documents(page)[0].date == datetime.date(2020, 2, 3)


def test_a_reglement_shows_the_day_its_version_was_adopted(site):
    assert hits(None)["Règlement"].date == datetime.date(2021, 9, 30)


def test_the_search_page_shows_the_contribution_date(client, site):
    text = visible_text(client.get("/recherche/", {"q": "atelier"}))

    assert "14 mars 2019" in text


# --- The « Affiner » block ----------------------------------------------------------------


def test_results_come_with_the_filters(client, site):
    assert "Affiner les résultats" in visible_text(client.get("/recherche/", {"q": "logement"}))


def test_no_result_shows_no_empty_affiner_heading(client, site):
    response = client.get("/recherche/", {"q": "zxqwvbn"})

    assert "Affiner" not in response.content.decode()
    assert 'class="search-layout"' not in response.content.decode()


def test_an_outsider_finding_nothing_visible_gets_no_affiner_heading(client, site):
    assert "Affiner" not in client.get("/recherche/", {"q": "diagnostic"}).content.decode()


def test_an_active_filter_without_results_can_still_be_taken_off(client, site):
    response = client.get("/recherche/", {"q": "logement", "year": "1990"})
    text = visible_text(response)

    assert "Affiner les résultats" in text
    assert "1990 — retirer ce filtre" in text
    assert 'href="?q=logement&amp;sort=relevance"' in response.content.decode()


def test_no_result_under_a_filter_links_to_taking_it_off(client, site):
    response = client.get("/recherche/", {"q": "logement", "year": "1990"})

    assert "Retirer le filtre « Année : 1990 »" in visible_text(response)


def test_no_result_without_filter_offers_no_filter_to_take_off(client, site):
    assert "Retirer le filtre" not in visible_text(client.get("/recherche/", {"q": "zxqwvbn"}))


# --- The words stay in the box ---------------------------------------------------------------


@pytest.mark.parametrize(
    "bad, label",
    [({"page": "x"}, "Page"), ({"page": "0"}, "Page"), ({"sort": "hasard"}, "Trier par")],
)
def test_a_bad_parameter_keeps_the_words_and_says_why_in_french(client, site, bad, label):
    response = client.get("/recherche/", {"q": "logement accompagné", **bad})

    assert response.status_code == 400
    assert search_box(response) == "logement accompagné"
    assert f"{label} :" in visible_text(response)
    assert "relancez la recherche" in visible_text(response)


def test_a_bad_parameter_offers_to_search_again_without_it(client, site):
    response = client.get("/recherche/", {"q": "logement", "page": "x", "theme": "Éthique"})

    assert '<a href="?q=logement&amp;theme=%C3%89thique&amp;sort=relevance">Relancer' in (
        response.content.decode()
    )


def test_a_bad_year_is_left_aside_and_valid_filters_are_kept(client, site):
    response = client.get("/recherche/", {"q": "logement", "year": "20", "theme": "Éthique"})
    page = response.content.decode()

    assert response.status_code == 400
    assert "Année : L'année doit s'écrire avec quatre chiffres." in visible_text(response)
    assert '<input type="hidden" name="theme" value="Éthique">' in page
    assert 'name="year"' not in page


def test_too_many_words_are_kept_up_to_the_limit(client, site):
    response = client.get("/recherche/", {"q": "logement " * 40})

    assert response.status_code == 400
    assert search_box(response) == ("logement " * 40).strip()[:200]
    assert "Mots recherchés : La recherche est limitée à 200 caractères." in visible_text(response)


def test_a_nul_character_is_refused_and_the_rest_of_the_words_kept(client, site):
    response = client.get("/recherche/", {"q": "loge\x00ment"})

    assert response.status_code == 400
    assert search_box(response) == "logement"


def test_no_result_keeps_the_words_and_says_so(client, site):
    response = client.get("/recherche/", {"q": "zxqwvbn"})

    assert response.status_code == 200
    assert search_box(response) == "zxqwvbn"
    assert "Aucun résultat pour « zxqwvbn »" in visible_text(response)
    assert "Essayez d’autres mots" in visible_text(response)


@pytest.fixture
def database_fails(database_site, monkeypatch):
    """The database store (the only one) fails on every search."""

    def fails(self, query):
        raise DatabaseError("statement timeout")

    monkeypatch.setattr(DatabaseStore, "search", fails)


def test_a_search_that_no_store_answers_keeps_the_words_with_a_message(client, database_fails):
    response = client.get("/recherche/", {"q": "logement"})

    assert response.status_code == 503
    assert search_box(response) == "logement"
    assert UNAVAILABLE_MESSAGE in visible_text(response)


def test_the_api_says_so_too_when_no_store_answers(client, database_fails):
    response = client.get("/api/search/", {"q": "logement"})

    assert response.status_code == 503
    assert response.json() == {"error": UNAVAILABLE_MESSAGE}


def test_elasticsearch_down_keeps_the_words_and_answers_from_the_database(
    client, database_site, settings, unused_port
):
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{unused_port}"
    response = client.get("/recherche/", {"q": "logement"})

    assert response.status_code == 200
    assert search_box(response) == "logement"
    assert FALLBACK_NOTICE in visible_text(response)
    assert "Atelier logement" in visible_text(response)


class RefusingStore:
    name = "elasticsearch"

    def search(self, query):
        raise QueryRefused("search_phase_execution_exception")


def test_a_query_elasticsearch_refuses_is_answered_by_the_database_without_breaker(
    database_site, monkeypatch
):
    monkeypatch.setattr("search.service.elasticsearch_store", lambda: RefusingStore())
    answer = run_search(SearchQuery(text="logement", reader_tokens=reader_tokens(AnonymousUser())))

    assert answer.result.store == "database"
    assert "Atelier logement" in {hit.title for hit in answer.result.hits}
    assert not breaker.is_open("elasticsearch")


@pytest.fixture
def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
