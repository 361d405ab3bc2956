"""The worker's heartbeat: proof that a ``db_worker`` takes tasks, even on an idle site.

A timer (deploy/systemd/intranet-heartbeat.timer) runs ``manage.py worker_heartbeat``
every five minutes, which queues :func:`worker_heartbeat`; the worker runs it and records
when it finished, in its own result row. Readiness (search/health.py) reads the latest of
these dates. No table of our own: the task queue's rows are the record, and the command
keeps only the latest finished one, so that they do not pile up.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django_tasks import task
from django_tasks.base import TaskResultStatus

if TYPE_CHECKING:
    from django_tasks_db.models import DBTaskResultQuerySet


@task()
def worker_heartbeat() -> bool:
    # Nothing to do: the worker records the date this result finished, which is the beat.
    return True


def _heartbeats() -> DBTaskResultQuerySet:
    from django_tasks_db.models import DBTaskResult  # only with TASKS_BACKEND=database

    return DBTaskResult.objects.filter(task_path=worker_heartbeat.module_path)


def last_heartbeat() -> datetime | None:
    """When the worker last ran a heartbeat, or None if it never did."""
    return (
        _heartbeats()
        .filter(status=TaskResultStatus.SUCCESSFUL)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )


def queue_heartbeat() -> bool:
    """Queue a heartbeat unless one already waits; drop the older finished ones.

    A heartbeat left waiting is itself the alarm (readiness reports a queue no worker
    takes): queuing more would only pile them up. Returns whether one was queued.
    """
    heartbeats = _heartbeats()
    latest = heartbeats.successful().order_by("-finished_at").values_list("id", flat=True).first()
    older = heartbeats.finished()
    if latest is not None:
        older = older.exclude(id=latest)
    older.delete()
    if heartbeats.ready().exists():
        return False
    worker_heartbeat.enqueue()
    return True
