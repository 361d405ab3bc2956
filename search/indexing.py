"""Keeping the index true: what to (re)index or remove when pages, restrictions or files change.

Changes that narrow who may see something (unpublish, delete, restriction added or
narrowed, move under a restricted parent) are applied before the request returns, in
every store. Additions may go through a background task. When a store is unreachable,
the operation is queued (``PendingOperation``) and retried later, so none is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from wagtail.models import Page

from search import breaker
from search.contract import SearchDocument, SearchStore, StoreUnavailable
from search.documents import key_for_page, page_documents
from search.service import stores, watch

logger = logging.getLogger(__name__)


def indexed_keys_of_pages(page_ids: Iterable[int]) -> set[str]:
    """Keys already indexed for these pages (the page and its files), from the database store."""
    from search.models import IndexedDocument

    keys: set[str] = set()
    for page_id in page_ids:
        prefix = key_for_page(page_id)
        keys |= set(
            IndexedDocument.objects.filter(key__startswith=f"{prefix}:").values_list(
                "key", flat=True
            )
        )
        keys.add(prefix)
    return keys


def _queue(
    store: SearchStore, documents: list[SearchDocument], stale_keys: set[str], error
) -> None:
    from search.models import PendingOperation

    PendingOperation.objects.create(
        store=store.name,
        index_keys=[document.key for document in documents],
        delete_keys=sorted(stale_keys),
        last_error=str(error)[:500],
    )


def _apply(store: SearchStore, documents: list[SearchDocument], stale_keys: set[str]) -> None:
    """Write to one store, or queue the work when it is unreachable (never wait on it twice)."""
    if not documents and not stale_keys:
        return
    if breaker.is_open(store.name):
        _queue(store, documents, stale_keys, "appels suspendus (moteur injoignable)")
        return
    try:
        if stale_keys:
            store.delete(sorted(stale_keys))
        if documents:
            store.index(documents)
    except StoreUnavailable as error:
        logger.warning("Index %s injoignable, opération mise en attente : %s", store.name, error)
        _queue(store, documents, stale_keys, error)
        breaker.trip(store.name, str(error))
        watch(store)


def sync_pages(pages: Iterable[Page]) -> int:
    """Bring the index in line with these pages' current state (live or not, restrictions)."""
    pages = list(pages)
    documents: list[SearchDocument] = []
    for page in pages:
        documents.extend(page_documents(page))
    stale = indexed_keys_of_pages(page.pk for page in pages) - {doc.key for doc in documents}
    for store in stores():
        _apply(store, documents, stale)
    return len(documents)


def sync_subtree(page: Page) -> int:
    """Re-index a page and everything below it, in bulk (restrictions and moves)."""
    return sync_pages(Page.objects.descendant_of(page, inclusive=True).specific())


def remove_pages(page_ids: Iterable[int]) -> None:
    stale = indexed_keys_of_pages(page_ids)
    for store in stores():
        _apply(store, [], stale)


def sync_page_ids(page_ids: Iterable[int]) -> int:
    return sync_pages(Page.objects.filter(pk__in=list(page_ids)).specific())


def documents_by_key(keys: Iterable[str]) -> list[SearchDocument]:
    """Current documents for keys queued earlier (pages may have changed since)."""
    page_ids = {int(key.split(":")[1]) for key in keys if key.startswith("page:")}
    documents = []
    for page in Page.objects.filter(pk__in=page_ids).specific():
        documents.extend(page_documents(page))
    return [document for document in documents if document.key in set(keys)]


def retry_pending(ignore_breaker: bool = False) -> tuple[int, int]:
    """Replay queued operations, oldest first; returns (done, still pending).

    Stores whose breaker is open are left to their probe, which replays with
    ``ignore_breaker`` once the engine answers.
    """
    from search.models import PendingOperation
    from search.service import store_named

    done = 0
    for operation in PendingOperation.objects.order_by("pk"):
        store = store_named(operation.store)
        if store is None:
            operation.delete()
            continue
        if not ignore_breaker and breaker.is_open(store.name):
            continue
        try:
            if operation.delete_keys:
                store.delete(operation.delete_keys)
            current = documents_by_key(operation.index_keys)
            gone = set(operation.index_keys) - {document.key for document in current}
            if gone:
                store.delete(sorted(gone))
            if current:
                store.index(current)
        except StoreUnavailable as error:
            operation.attempts += 1
            operation.last_error = str(error)[:500]
            operation.save(update_fields=["attempts", "last_error"])
            breaker.trip(store.name, str(error))
            break  # the store is still down: keep the order, try again later
        operation.delete()
        done += 1
    return done, PendingOperation.objects.count()
