"""Which stores hold the index, and searching with a fallback to the database."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

from search.contract import SearchQuery, SearchResult, SearchStore, StoreUnavailable

FALLBACK_NOTICE = (
    "Le moteur de recherche principal ne répond pas : ces résultats viennent de la "
    "recherche de secours et peuvent être moins pertinents."
)


def database_store() -> SearchStore:
    from search.stores.database import DatabaseStore

    return DatabaseStore()


@lru_cache(maxsize=4)
def _elasticsearch_store(url: str, prefix: str) -> SearchStore:
    from search.stores.elasticsearch import ElasticsearchStore

    return ElasticsearchStore(url, index_prefix=prefix)


def elasticsearch_store() -> SearchStore | None:
    if not settings.ELASTICSEARCH_URL:
        return None
    return _elasticsearch_store(settings.ELASTICSEARCH_URL, settings.SEARCH_INDEX_PREFIX)


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


def run_search(query: SearchQuery) -> Answer:
    """Search the main store; when Elasticsearch is down, answer from the database."""
    elasticsearch = elasticsearch_store()
    if elasticsearch is not None:
        try:
            return Answer(elasticsearch.search(query))
        except StoreUnavailable:
            return Answer(database_store().search(query), FALLBACK_NOTICE)
    return Answer(database_store().search(query))
