"""Follow-up items in the search index (issue 15, item 4), on both stores.

An item is indexed under its source contribution, with the contribution's ACL: it is
found by whoever may see the contribution, and by nobody else; its status is a facet
and a filter; a change of status re-indexes it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from cms.followup.models import Status, TrackedItem
from cms.followup.services import update_item
from search.acl import reader_tokens
from search.contract import SearchQuery
from search.service import run_search
from tests.conftest import load
from tests.pages import contribution, dossier_tree, open_dossier, pa_contribution
from tests.search.test_indexing import engine  # noqa: F401  (each test on both stores)

TREE = dossier_tree(
    open_dossier(
        contribution(
            "pub",
            "Atelier ouvert",
            "2023-01-01",
            colleges=["acteurs-formation"],
            preconisations=[{"title": "Former les équipes d'accueil"}],
        ),
        pa_contribution(
            "pa",
            "Paroles entre pairs",
            "2023-01-03",
            preconisations=[{"title": "Former les agents au guichet humain"}],
        ),
    ),
)
PUBLIC_ITEM = "Former les équipes d'accueil"
SECRET_ITEM = "Former les agents au guichet humain"


@pytest.fixture
def site(engine, people, django_capture_on_commit_callbacks):  # noqa: F811
    # Tests run inside a transaction that never commits: run what a commit would run.
    with django_capture_on_commit_callbacks(execute=True):
        load(TREE)
    return people


def answer(user, text: str = "former", **filters):
    query = SearchQuery(
        text=text, reader_tokens=reader_tokens(user or AnonymousUser()), filters=filters
    )
    return run_search(query).result


def titles(user, text: str = "former", **filters) -> set[str]:
    return {hit.title for hit in answer(user, text, **filters).hits}


def test_an_item_is_found_and_leads_to_its_page(site):
    hits = {hit.title: hit for hit in answer(None).hits}
    item = TrackedItem.objects.get(title=PUBLIC_ITEM)
    assert hits[PUBLIC_ITEM].url == f"/preconisations/{item.pk}/"
    assert hits[PUBLIC_ITEM].type == "followup"


def test_a_college_only_item_is_found_only_by_its_college(site):
    assert SECRET_ITEM not in titles(None)
    assert SECRET_ITEM not in titles(site["formation"])
    assert SECRET_ITEM in titles(site["pa"])


def test_the_status_is_a_facet_counting_only_visible_items(site):
    facet = {value.value: value.count for value in answer(site["formation"]).facets["status"]}
    assert facet == {"proposee": 1}


def test_a_status_change_reindexes_the_item(site, django_capture_on_commit_callbacks):
    item = TrackedItem.objects.get(title=PUBLIC_ITEM)
    with django_capture_on_commit_callbacks(execute=True):
        update_item(item, site["coord"], {"status": Status.RETENUE}, text="Retenue.")
    assert titles(None, status="retenue") == {PUBLIC_ITEM}
    assert titles(None, status="proposee") == set()


def test_an_archived_item_leaves_the_index(site, django_capture_on_commit_callbacks):
    item = TrackedItem.objects.get(title=PUBLIC_ITEM)
    page = item.contribution
    page.body = [block for block in page.body.raw_data if block["type"] != "preconisation"]
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert PUBLIC_ITEM not in titles(site["coord"])


def test_the_search_page_offers_the_status_facet(client, site):
    text = client.get("/recherche/", {"q": "former"}).content.decode()
    assert "État du suivi" in text
    assert "Proposée" in text
    assert "Préconisation suivie" in text
