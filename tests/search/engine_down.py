"""A dossier, public searches and publishes for the tests of an engine that is down or hung.

A stopped node with 50 publishes through two processes, replayed after its restart, is
tested on the production stack (tests/test_deploy_stack.py).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from cms.models import ContributionPage, DossierPage
from search.acl import reader_tokens
from search.contract import SearchQuery
from search.service import run_search
from tests.conftest import load


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
