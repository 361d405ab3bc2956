"""Règlement versions on the demo content: an earlier version readers can compare.

Apart from tests/test_reglement_versions.py, whose trees are loaded once in a module
transaction: the demo is a copy of its own database, which cannot be taken inside one.
"""

from __future__ import annotations

import pytest

from cms.models import ReglementPage
from cms.reglement.diff import Status, compare
from cms.reglement.texts import page_text
from members.models import College
from tests.test_reglement_versions import by_status


def test_demo_reglement_keeps_an_earlier_version_that_differs(demo):
    page = ReglementPage.objects.get()
    earlier = page.versions.get(label="1.0")
    assert earlier.approvals.count() == College.objects.count()
    diff = compare(earlier.text(), page_text(page))
    assert by_status(diff, Status.ADDED) == ["Comités locaux"]
    assert by_status(diff, Status.REMOVED) == ["Outils de travail"]
    assert "Communication et données" in by_status(diff, Status.CHANGED)


def test_versions_list_shows_the_versions_to_an_anonymous_reader(client, demo):
    page = ReglementPage.objects.get()
    response = client.get(page.url + "versions/")
    assert response.status_code == 200
    html = response.content.decode()
    version = page.versions.get(label="1.0")
    assert f"versions/{version.pk}/" in html
    assert "Comparer deux versions" in html


def test_reglement_page_links_to_its_versions_and_pdf(client, demo):
    html = client.get(ReglementPage.objects.get().url).content.decode()
    assert "versions/" in html and "pdf/" in html


def test_version_page_shows_that_versions_text(client, demo):
    page = ReglementPage.objects.get()
    version = page.versions.get(label="1.0")
    html = client.get(f"{page.url}versions/{version.pk}/").content.decode()
    assert "Outils de travail" in html
    assert "n’est plus en vigueur" in html


def test_compare_page_shows_changes_from_an_earlier_version(client, demo):
    page = ReglementPage.objects.get()
    version = page.versions.get(label="1.0")
    response = client.get(f"{page.url}versions/comparer/", {"de": version.pk, "a": "en-vigueur"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Comités locaux" in html and "ajouté" in html
    assert "<del>" in html and "<ins>" in html
    assert "<details" in html  # unchanged articles folded


def test_compare_page_without_query_compares_the_latest_earlier_version(client, demo):
    page = ReglementPage.objects.get()
    html = client.get(f"{page.url}versions/comparer/").content.decode()
    assert "Outils de travail" in html


@pytest.mark.parametrize("query", [{"de": "999999"}, {"de": "abc", "a": "1.0"}, {"a": ""}])
def test_compare_page_with_unknown_versions_says_so_with_a_404(client, demo, query):
    page = ReglementPage.objects.get()
    response = client.get(f"{page.url}versions/comparer/", query)
    assert response.status_code == 404
    assert "Version inconnue" in response.content.decode()


def test_unknown_version_page_is_a_404(client, demo):
    page = ReglementPage.objects.get()
    assert client.get(f"{page.url}versions/999999/").status_code == 404
