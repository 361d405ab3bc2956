"""/sante/ and /sante/pret/: health for load balancers, in JSON, leaking nothing (issue 13)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from search.heartbeat import worker_heartbeat

EXPECTED_WORDS = {"ok", "en panne", "en retard", "dégradé", "base", "secours", "immediates"}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


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
        "travailleur": "immediates",
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
    assert response.status_code == 200  # pages are served; e-mails and index updates wait
    assert response.json()["taches"] == "en panne"
    assert response.json()["statut"] == "dégradé"


def test_health_is_exempt_from_the_https_redirect(settings):
    assert any(pattern.startswith("^sante") for pattern in settings.SECURE_REDIRECT_EXEMPT)


# ---------------------------------------------------------------------------
# The worker's heartbeat (deploy/systemd/intranet-heartbeat.timer)


def heartbeats():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=worker_heartbeat.module_path)


# The worker closes its connection, so these tests commit; the flush after them must
# give back the migrated site (home page, default site) to the tests that follow.
WITH_THE_WORKER = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_worker() -> None:
    """One pass of the real worker: it takes what waits, then exits."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@WITH_THE_WORKER
def test_readiness_is_ok_once_the_worker_has_run_a_queued_heartbeat(client, settings):
    settings.TASKS = DATABASE_TASKS
    call_command("worker_heartbeat", stdout=StringIO())
    run_worker()
    response = client.get("/sante/pret/")
    assert response.status_code == 200
    assert response.json()["travailleur"] == "ok"
    assert response.json()["taches"] == "ok"


@WITH_THE_WORKER
def test_readiness_says_degraded_when_the_last_heartbeat_is_older_than_the_threshold(
    client, settings
):
    settings.TASKS = DATABASE_TASKS
    call_command("worker_heartbeat", stdout=StringIO())
    run_worker()
    heartbeats().update(finished_at=timezone.now() - timedelta(minutes=20))
    response = client.get("/sante/pret/")
    assert response.status_code == 200  # a worker's fault keeps the web in service
    body = response.json()
    assert body["travailleur"] == "en retard" and body["statut"] == "dégradé"
    # Nothing waits in the queue: the heartbeat alone tells that no worker runs.
    assert body["taches"] == "ok"
    assert set(body.values()) <= EXPECTED_WORDS


@pytest.mark.django_db
def test_readiness_reports_a_worker_that_never_beat_as_late(client, settings):
    settings.TASKS = DATABASE_TASKS
    response = client.get("/sante/pret/")
    assert response.status_code == 200
    assert response.json()["travailleur"] == "en retard"


@pytest.mark.django_db
def test_a_failed_heartbeat_is_not_a_beat(client, settings):
    settings.TASKS = DATABASE_TASKS
    call_command("worker_heartbeat", stdout=StringIO())
    heartbeats().update(status="FAILED", finished_at=timezone.now())
    assert client.get("/sante/pret/").json()["travailleur"] == "en retard"


@pytest.mark.django_db
def test_the_heartbeat_command_queues_no_second_beat_while_one_waits(settings):
    settings.TASKS = DATABASE_TASKS
    first, second = StringIO(), StringIO()
    call_command("worker_heartbeat", stdout=first)
    call_command("worker_heartbeat", stdout=second)
    assert heartbeats().count() == 1
    assert "attend déjà" in second.getvalue()


@WITH_THE_WORKER
def test_the_heartbeat_command_keeps_only_the_latest_finished_beat(settings):
    settings.TASKS = DATABASE_TASKS
    for _ in range(3):
        call_command("worker_heartbeat", stdout=StringIO())
        run_worker()
    call_command("worker_heartbeat", stdout=StringIO())
    # The latest finished beat, and the one just queued.
    assert sorted(heartbeats().values_list("status", flat=True)) == ["READY", "SUCCESSFUL"]


def test_the_heartbeat_command_refuses_when_tasks_run_at_once():
    with pytest.raises(CommandError, match="TASKS_BACKEND=database"):
        call_command("worker_heartbeat")
