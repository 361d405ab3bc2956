"""The index follows the site: publishing, restrictions, moves, outages, and the interfaces."""

from __future__ import annotations

import io
import uuid
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from wagtail.documents.models import Document

from cms.models import ContributionAttachment, ContributionPage, DossierPage
from search.acl import reader_tokens
from search.contract import SearchQuery
from search.service import run_search, stores
from search.signals import enqueue_indexing
from tests.conftest import load
from tests.pages import contribution, dossier, dossier_tree, open_dossier, pa_contribution

TREE = dossier_tree(
    open_dossier(
        contribution(
            "pub",
            "L'évaluation partagée",
            "2021-01-01",
            summary="Une démarche d'évaluation.",
            preconisations=[{"title": "Former les équipes"}],
        ),
        pa_contribution("pa", "Paroles sur l'évaluation", "2021-01-03"),
        contribution("brouillon", "Évaluation en brouillon", "2021-01-04", live=False),
    ),
    dossier(
        "deux",
        "Dossier de deux collèges",
        "Jeunesse",
        contribution(
            "imbrique",
            "Évaluation imbriquée",
            "2021-02-01",
            colleges=["acteurs-formation"],
            visibility={"colleges": ["acteurs-formation", "collectivites-territoriales"]},
        ),
        visibility={"colleges": ["personnes-accompagnees", "acteurs-formation"]},
    ),
)


@pytest.fixture(params=["database", "elasticsearch"])
def engine(request, settings):
    """Run with the database store alone, or with Elasticsearch in front of it."""
    if request.param == "elasticsearch":
        settings.ELASTICSEARCH_URL = request.getfixturevalue("elasticsearch_server")
        settings.SEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:8]}"
    else:
        settings.ELASTICSEARCH_URL = ""
    yield request.param
    if request.param == "elasticsearch":
        delete_test_indices()


def delete_test_indices(store=None) -> None:
    """Drop the Elasticsearch indices of ``store``'s prefix (by default, the store in use),
    one prefix per test or module."""
    store = store or stores()[-1]
    found = store.client.options(ignore_status=404).indices.get(index=f"{store.alias}-v*")
    if found.meta.status == 200 and found.body:
        store.client.indices.delete(index=",".join(sorted(found.body)))


@pytest.fixture
def site(engine, people, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    # Tests run inside a transaction that never commits: run what a commit would run.
    with django_capture_on_commit_callbacks(execute=True):
        load(TREE)
    return people


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Run on-commit work (queued indexing) at the end of the block, as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def titles(user, text: str = "evaluation", **filters) -> set[str]:
    reader = user or AnonymousUser()
    query = SearchQuery(text=text, reader_tokens=reader_tokens(reader), filters=filters)
    return {hit.title for hit in run_search(query).result.hits}


def test_unpublished_contribution_leaves_the_index_at_once(site):
    ContributionPage.objects.get(slug="pub").unpublish()
    assert "L'évaluation partagée" not in titles(site["coord"])


def test_deleted_contribution_leaves_the_index(site):
    ContributionPage.objects.get(slug="pub").delete()
    assert "L'évaluation partagée" not in titles(site["coord"])


def test_publishing_a_draft_adds_it(site, committing):
    draft = ContributionPage.objects.get(slug="brouillon")
    with committing():
        draft.save_revision().publish()
    assert "Évaluation en brouillon" in titles(None)


def test_restriction_added_on_an_ancestor_applies_before_the_request_returns(client, site):
    coordination = get_user_model().objects.get(username="coord")
    dossier = DossierPage.objects.get(slug="ouvert")
    client.force_login(coordination)
    formation_group = site["formation"].groups.get(name__startswith="Collège")
    response = client.post(
        f"/admin/pages/{dossier.pk}/privacy/",
        {"restriction_type": "groups", "groups": [formation_group.pk], "password": ""},
    )
    assert response.status_code == 200
    assert "L'évaluation partagée" not in titles(None)
    assert "L'évaluation partagée" in titles(site["formation"])


def test_moving_under_a_restricted_dossier_applies_at_once(site):
    page = ContributionPage.objects.get(slug="pub")
    page.move(DossierPage.objects.get(slug="deux"), pos="last-child")
    assert "L'évaluation partagée" not in titles(None)


def docx_with(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def test_attachment_text_is_found(site, committing):
    page = ContributionPage.objects.get(slug="pub")
    document = Document.objects.create(
        title="Annexe", file=ContentFile(docx_with("Cartographie des permanences"), name="a.docx")
    )
    page.attachments.add(ContributionAttachment(document=document))
    with committing():
        page.save_revision().publish()
    assert titles(None, "permanences") >= {"L'évaluation partagée"}


def test_reconcile_repairs_both_ways(site):
    page = ContributionPage.objects.get(slug="pub")
    for store in stores():
        store.delete([f"page:{page.pk}"])
        store.index([])
    out = io.StringIO()
    call_command("search_index", "reconcile", stdout=out)
    assert "L'évaluation partagée" in titles(None)
    assert "ajouté" in out.getvalue()


def test_rebuild_reports_throughput(site):
    out = io.StringIO()
    call_command("search_index", "rebuild", stdout=out)
    assert "documents/s" in out.getvalue()
    assert "L'évaluation partagée" in titles(None)


def test_copied_live_page_is_indexed(site, committing):
    page = ContributionPage.objects.get(slug="pub")
    with committing():
        page.copy(
            to=DossierPage.objects.get(slug="ouvert"),
            update_attrs={"slug": "pub-copie", "title": "Copie de l'évaluation"},
        )
    assert "Copie de l'évaluation" in titles(None)


@pytest.fixture
def worker_queue(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker closes connections whose autocommit differs from the settings; inside the
    # test's transaction that would close the test's own connection on PostgreSQL.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def test_with_a_worker_additions_wait_for_it_but_narrowing_does_not(site, committing, worker_queue):
    draft = ContributionPage.objects.get(slug="brouillon")
    with committing():
        draft.save_revision().publish()
    assert "Évaluation en brouillon" not in titles(None)  # queued for the worker
    call_command("db_worker", "--batch", stdout=io.StringIO(), stderr=io.StringIO())
    assert "Évaluation en brouillon" in titles(None)
    ContributionPage.objects.get(slug="pub").unpublish()
    assert "L'évaluation partagée" not in titles(None)  # no worker needed


@pytest.fixture
def queued_batches(monkeypatch) -> list[list[int]]:
    """The page ids of each indexing task queued (the task itself is not run)."""
    batches: list[list[int]] = []

    class Recorder:
        @staticmethod
        def enqueue(page_ids):
            batches.append(page_ids)

    monkeypatch.setattr("search.tasks.index_pages", Recorder)
    return batches


@pytest.mark.django_db
def test_a_transaction_that_publishes_many_pages_queues_one_indexing_task(
    committing, queued_batches
):
    with committing():
        for page_ids in ([3], [1, 2], [2]):
            enqueue_indexing(page_ids)
    assert queued_batches == [[1, 2, 3]]


@pytest.mark.django_db
def test_pages_of_a_rolled_back_transaction_are_not_queued_with_the_next_one(
    committing, queued_batches
):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_indexing([7])
        raise RuntimeError("rolled back")
    with committing():
        enqueue_indexing([8])
    assert queued_batches == [[8]]
