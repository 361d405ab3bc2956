"""/sante/ and /sante/pret/: health for load balancers, in JSON, leaking nothing (issue 13)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.utils import timezone

EXPECTED_WORDS = {"ok", "en panne", "base", "secours", "immediates"}


def test_liveness_answers_ok_in_json(client):
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json() == {"statut": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readiness_is_ok_when_database_cache_and_tasks_answer(client):
    response = client.get("/sante/pret/")
    assert response.status_code == 200
    assert response.json() == {
        "statut": "ok",
        "base": "ok",
        "cache": "ok",
        "recherche": "base",
        "taches": "immediates",
    }


@pytest.mark.django_db
def test_readiness_is_503_with_fixed_words_only_when_the_cache_fails(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("redis://secret-host:6379 refused")

    monkeypatch.setattr(caches["default"], "set", refuse)
    response = client.get("/sante/pret/")
    assert response.status_code == 503
    body = response.json()
    assert body["cache"] == "en panne" and body["statut"] == "en panne"
    assert set(body.values()) <= EXPECTED_WORDS
    assert b"secret-host" not in response.content


@pytest.mark.django_db
def test_readiness_reports_a_queue_no_worker_takes(client, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from cms.notifications.tasks import deliver_outgoing_emails  # a real task of the site

    result = deliver_outgoing_emails.enqueue([])
    DBTaskResult.objects.filter(id=result.id).update(
        enqueued_at=timezone.now() - timedelta(minutes=30)
    )
    response = client.get("/sante/pret/")
    assert response.status_code == 503
    assert response.json()["taches"] == "en panne"


def test_health_is_exempt_from_the_https_redirect(settings):
    assert any(pattern.startswith("^sante") for pattern in settings.SECURE_REDIRECT_EXEMPT)
