"""What every search store accepts and answers: one document shape, one query, one result.

A document carries an ACL: a list of tokens that ALL must be in the reader's own token
set for the reader to see it (``acl_admits``). Public documents carry ``["public"]``;
a document under view restrictions carries one ``"r:<restriction id>"`` token per
restriction on its page and ancestors, and a reader holds the tokens of the restrictions
that admit them (see ``search.acl``). Stores filter with that one rule, before counting
hits, building snippets or computing facets.

Facet values come most frequent first (ties by value), except the years: newest first,
as a reader scans a timeline.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Protocol

PUBLIC_TOKEN = "public"
FACETS = ("college", "theme", "type", "territory", "year", "status")
NEWEST_FIRST_FACETS = ("year",)  # ordered by value, highest first, not by count
SORTS = ("relevance", "date")


@dataclass(frozen=True)
class SearchDocument:
    key: str  # "page:<id>", "page:<id>:document:<id>" or "page:<id>:item:<id>"
    kind: str  # "contribution", "page", "document" or "followup" (a tracked préconisation)
    title: str
    url: str
    acl: tuple[str, ...]
    summary: str = ""
    body: str = ""
    attachments: str = ""
    theme: str = ""
    colleges: tuple[str, ...] = ()  # college slugs
    territory: str = ""  # territory slug
    type: str = ""  # contribution type, or the page type for other pages
    date: datetime.date | None = None
    authors: tuple[str, ...] = ()
    status: str = ""  # a follow-up item's status (cms.followup.models.Status)

    @property
    def year(self) -> str:
        return str(self.date.year) if self.date else ""

    def fingerprint(self) -> str:
        """Changes whenever anything indexed changes (used by reconcile)."""
        # The fields as they are (``asdict`` would deep-copy them first, for the same JSON).
        values = {each.name: getattr(self, each.name) for each in fields(self)}
        payload = json.dumps(values, sort_keys=True, default=str)
        return hashlib.sha1(payload.encode()).hexdigest()


def acl_admits(document_acl: Iterable[str], reader_tokens: Iterable[str]) -> bool:
    tokens = set(reader_tokens)
    return all(token in tokens for token in document_acl)


@dataclass(frozen=True)
class SearchQuery:
    text: str
    reader_tokens: frozenset[str]
    filters: dict[str, str] = field(default_factory=dict)  # keys among FACETS
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10


@dataclass(frozen=True)
class Hit:
    key: str
    title: str
    url: str
    snippet: str  # HTML: escaped text with <mark> around matched words
    type: str
    colleges: tuple[str, ...]
    theme: str
    date: datetime.date | None
    score: float


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclass
class SearchResult:
    count: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    store: str
    suggestion: str | None = None


class StoreUnavailable(Exception):
    """The store cannot be reached; callers fall back or retry."""


class QueryRefused(Exception):
    """The store answered but refused this one query (the store itself is fine): callers
    answer it from another store, without taking the store out of service."""


Progress = Callable[[int, int], None]


class SearchStore(Protocol):
    name: str

    def index(self, documents: Iterable[SearchDocument]) -> int: ...

    def delete(self, keys: Iterable[str]) -> None: ...

    def search(self, query: SearchQuery) -> SearchResult: ...

    def fingerprints(self) -> dict[str, str]: ...

    def rebuild(
        self, documents: Iterable[SearchDocument], total: int, progress: Progress | None = None
    ) -> int: ...

    def count(self) -> int: ...
