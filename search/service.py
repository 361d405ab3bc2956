"""Which stores hold the index, and searching with a fallback to the database."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

from search import breaker
from search.contract import (
    QueryRefused,
    SearchQuery,
    SearchResult,
    SearchStore,
    StoreUnavailable,
)

FALLBACK_NOTICE = (
    "Le moteur de recherche principal ne répond pas : ces résultats viennent de la "
    "recherche de secours et peuvent être moins pertinents."
)
CATCHING_UP_NOTICE = (
    "Le moteur de recherche principal rattrape des modifications récentes : en attendant, "
    "ces résultats viennent de la recherche de secours et peuvent être moins pertinents."
)


def database_store() -> SearchStore:
    from search.stores.database import DatabaseStore

    return DatabaseStore()


@lru_cache(maxsize=4)
def _elasticsearch_store(
    url: str, prefix: str, timeout: float, search_timeout: float
) -> SearchStore:
    from search.stores.elasticsearch import ElasticsearchStore

    return ElasticsearchStore(
        url, index_prefix=prefix, timeout=timeout, search_timeout=search_timeout
    )


def elasticsearch_store() -> SearchStore | None:
    if not settings.ELASTICSEARCH_URL:
        return None
    return _elasticsearch_store(
        settings.ELASTICSEARCH_URL,
        settings.SEARCH_INDEX_PREFIX,
        float(getattr(settings, "ELASTICSEARCH_TIMEOUT", 5)),
        float(getattr(settings, "ELASTICSEARCH_SEARCH_TIMEOUT", 1)),
    )


def stores() -> list[SearchStore]:
    """Every store kept up to date: the database always (it is the fallback), and Elasticsearch."""
    configured = [database_store()]
    elasticsearch = elasticsearch_store()
    if elasticsearch is not None:
        configured.append(elasticsearch)
    return configured


def store_named(name: str) -> SearchStore | None:
    return next((store for store in stores() if store.name == name), None)


@dataclass
class Answer:
    result: SearchResult
    notice: str = ""


def has_pending_operations(store: SearchStore) -> bool:
    from search.models import PendingOperation

    return PendingOperation.objects.filter(store=store.name).exists()


def run_search(query: SearchQuery) -> Answer:
    """Search the main store; when Elasticsearch is down or behind, answer from the database.

    An index that missed queued changes could still show a page restricted since: while
    its queue is not empty, the database (always up to date) answers.
    """
    elasticsearch = elasticsearch_store()
    if elasticsearch is None:
        return Answer(database_store().search(query))
    if breaker.is_open(elasticsearch.name):
        return Answer(database_store().search(query), FALLBACK_NOTICE)
    if has_pending_operations(elasticsearch):
        watch(elasticsearch)
        return Answer(database_store().search(query), CATCHING_UP_NOTICE)
    try:
        return Answer(elasticsearch.search(query))
    except StoreUnavailable as error:
        breaker.trip(elasticsearch.name, str(error))
        watch(elasticsearch)
        return Answer(database_store().search(query), FALLBACK_NOTICE)
    except QueryRefused:
        # One query the cluster would not take: answered from the database, no breaker.
        return Answer(database_store().search(query), FALLBACK_NOTICE)


def answers(store: SearchStore) -> bool:
    ping = getattr(store, "ping", None)
    return True if ping is None else bool(ping())


def recover(store: SearchStore) -> bool:
    """Replay the operations queued for this store; True when none is left."""
    from search.indexing import retry_pending  # indexing builds on this module

    retry_pending(ignore_breaker=True)
    return not has_pending_operations(store)


def probe(store: SearchStore) -> bool:
    """Probe now: when the store answers and its queue is replayed, close its breaker."""
    return breaker.probe_once(store.name, lambda: answers(store), lambda: recover(store))


def watch(store: SearchStore) -> bool:
    """Probe a failing store in the background until its queue is replayed."""
    return breaker.watch(store.name, lambda: answers(store), lambda: recover(store))
