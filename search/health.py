"""Health of the site for load balancers and supervisors: /sante/ and /sante/pret/.

Here, in the top layer, because readiness asks every part of the stack: the database,
the shared cache, the search store, the task queue and the worker's heartbeat. Answers
are JSON with fixed words only ("ok", "en panne"…): no error message, host name or
version, which would tell an attacker what runs behind.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from search import breaker
from search.heartbeat import last_heartbeat
from search.service import answers, elasticsearch_store

OK = "ok"
DOWN = "en panne"
LATE = "en retard"
DEGRADED = "dégradé"
DATABASE_TASKS = "django_tasks_db.DatabaseBackend"
# A task queued longer ago than this, and still waiting, means no worker takes tasks.
STALLED_QUEUE = timedelta(minutes=10)
# The timer queues a heartbeat every 5 minutes: three missed beats mean no worker runs
# (or no timer queues them), even when no other task waits to tell.
STALE_HEARTBEAT = timedelta(minutes=15)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return OK
    except DatabaseError:
        return DOWN


def _cache() -> str:
    cache = caches["default"]
    try:
        cache.set("sante:essai", 1, timeout=10)
        return OK if cache.get("sante:essai") == 1 else DOWN
    except Exception:  # noqa: BLE001 (any backend error: Redis down, refused, timeout)
        return DOWN


def _search() -> str:
    store = elasticsearch_store()
    if store is None:
        return "base"  # search answers from the database: nothing else to reach
    if breaker.is_open(store.name) or not answers(store):
        # The site still answers searches from the database: degraded, not down.
        return "secours"
    return OK


def _tasks() -> str:
    if settings.TASKS["default"]["BACKEND"] != DATABASE_TASKS:
        return "immediates"
    from django_tasks_db.models import DBTaskResult, get_date_max

    # Due for a while: queued long ago without a date, or dated long ago.
    long_ago = timezone.now() - STALLED_QUEUE
    due_long_ago = Q(run_after=get_date_max(), enqueued_at__lt=long_ago) | Q(run_after__lt=long_ago)
    try:
        return DOWN if DBTaskResult.objects.ready().filter(due_long_ago).exists() else OK
    except DatabaseError:
        return DOWN


def _worker() -> str:
    if settings.TASKS["default"]["BACKEND"] != DATABASE_TASKS:
        return "immediates"
    try:
        beat = last_heartbeat()
    except DatabaseError:
        return DOWN
    # Never beaten counts as late: a worker or timer that never ran is the same alarm.
    return OK if beat is not None and beat > timezone.now() - STALE_HEARTBEAT else LATE


@never_cache
@require_GET
def liveness(request: HttpRequest) -> JsonResponse:
    """The process answers: nothing else is asked."""
    return JsonResponse({"statut": OK})


@never_cache
@require_GET
def readiness(request: HttpRequest) -> JsonResponse:
    """Whether this process can serve: 503 only when its database or cache fails.

    The queue and the worker run beside the web processes: when they stall, pages are still
    served (e-mails and index updates wait), so the answer is « dégradé » with a 200. A load
    balancer must not take every web process out of service for a worker's fault; a
    supervisor reads the words.
    """
    serving = {"base": _database(), "cache": _cache()}
    beside = {"recherche": _search(), "taches": _tasks(), "travailleur": _worker()}
    if DOWN in serving.values():
        status, code = DOWN, 503
    elif DOWN in beside.values() or LATE in beside.values():
        status, code = DEGRADED, 200
    else:
        status, code = OK, 200
    return JsonResponse({"statut": status, **serving, **beside}, status=code)
