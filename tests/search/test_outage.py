"""Elasticsearch stopped while editors publish: nothing is lost, searches fall back."""

from __future__ import annotations

import time
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser

from cms.models import ContributionPage, DossierPage
from search.acl import reader_tokens
from search.contract import SearchQuery
from search.models import PendingOperation
from search.service import database_store, elasticsearch_store, probe, run_search
from tests.conftest import load
from tests.search.es_fixture import DevNode, unavailable

PUBLISHES = 50


@pytest.fixture
def own_node(tmp_path):
    """An Elasticsearch node of this test alone, so that it can be stopped and restarted."""
    node = DevNode(tmp_path)
    try:
        node.start()
    except (OSError, RuntimeError) as error:
        node.stop()
        unavailable(f"could not start a dev node: {error}")
    yield node
    node.stop()


@pytest.fixture
def dossier(own_node, settings, colleges, django_capture_on_commit_callbacks):
    settings.ELASTICSEARCH_URL = own_node.url
    settings.SEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:8]}"
    settings.ELASTICSEARCH_TIMEOUT = 60  # only the stopped node may fail this test
    return load_dossier(django_capture_on_commit_callbacks)


def load_dossier(django_capture_on_commit_callbacks) -> DossierPage:
    """A convention with one dossier, indexed as publishing it does (after the commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        load({"pages": [{"type": "convention", "slug": "c", "title": "C", "children": [
            {"type": "dossier_index", "slug": "d", "title": "D", "children": [
                {"type": "dossier", "slug": "x", "title": "X", "theme": "Éthique"}]}]}]}
        )  # fmt: skip
    return DossierPage.objects.get(slug="x")


def public_search(text: str):
    query = SearchQuery(text=text, reader_tokens=reader_tokens(AnonymousUser()), per_page=100)
    return run_search(query)


def publish_contributions(dossier, count: int, django_capture_on_commit_callbacks) -> None:
    for number in range(count):
        page = ContributionPage(
            title=f"Panne numéro {number}", slug=f"panne-{number}", date="2024-01-01",
            summary="Publication pendant une panne du moteur.",
        )  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            dossier.add_child(instance=page)
            page.save_revision().publish()


def test_publishes_during_an_outage_reach_the_index_after_restart(
    own_node, dossier, django_capture_on_commit_callbacks
):
    own_node.stop()
    publish_contributions(dossier, PUBLISHES, django_capture_on_commit_callbacks)

    # Publishing worked, searches answered from the database with a notice.
    assert ContributionPage.objects.live().count() == PUBLISHES
    answer = public_search("panne")
    assert answer.result.store == "database"
    assert answer.result.count == PUBLISHES
    assert answer.notice
    assert PendingOperation.objects.filter(store="elasticsearch").exists()

    own_node.start()
    # The background probe asks every few seconds; a node just restarted may take a while.
    deadline = time.monotonic() + 60
    while not probe(elasticsearch_store()) and time.monotonic() < deadline:
        time.sleep(1)
    assert not PendingOperation.objects.exists()
    answer = public_search("panne")
    assert answer.result.store == "elasticsearch"
    assert answer.result.count == PUBLISHES
    assert elasticsearch_store().count() == database_store().count()
