"""The Elasticsearch store: French analysis, highlights, facets, suggestions, versioned indices.

Layout in the cluster, for a prefix ``P`` (``intranet-contributions`` by default):

- ``P-v1``, ``P-v2``, ...: versioned indices, each with the explicit mapping below;
- ``P``: the alias every read and write goes through, on exactly one versioned index;
- ``P-building``: an alias on the index a ``rebuild`` is loading, if any; writes made while
  it exists go to both indices, so a rebuild does not lose them when it swaps ``P``.

A rebuild loads a new version while ``P`` keeps answering from the old one, then moves ``P``
in one ``_aliases`` call and deletes the versions no alias points at. Nothing needs
``_reindex``, ``_delete_by_query`` or scripts. ``index`` and ``delete`` refresh before they
return, so the next search sees the change (a narrowed ACL must not linger).

An unreachable cluster (connection refused, timeout) or an overloaded one (429, 502-504)
raises ``StoreUnavailable``; the caller falls back to the database store.

Visibility is one filter clause: ``terms_set`` on ``acl`` with the reader's tokens and
``minimum_should_match_field: acl_count`` (a document matches when all its distinct tokens
are among the reader's). Hits, totals, facets and highlights all come from that filtered
query; a suggestion is only offered after a second query under the same filter has checked
that the corrected text finds visible documents, so it cannot reveal words of documents the
reader may not see.
"""

from __future__ import annotations

import datetime
import html
import logging
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice
from typing import Any, Literal, TypeVar

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers
from elasticsearch.dsl import (
    Date,
    Index,
    Integer,
    Keyword,
    Mapping,
    Q,
    Search,
    Text,
    analyzer,
    token_filter,
)
from elasticsearch.dsl.query import Query

from search import text as french
from search.contract import (
    FACETS,
    NEWEST_FIRST_FACETS,
    FacetValue,
    Hit,
    Progress,
    QueryRefused,
    SearchDocument,
    SearchQuery,
    SearchResult,
    StoreUnavailable,
)
from shared.text import fold_accents

logger = logging.getLogger(__name__)
T = TypeVar("T")
REBUILD_TIMEOUT = 120

# --- Analysis ---------------------------------------------------------------------------

FRENCH_ELISION = token_filter(
    "fr_elision",
    type="elision",
    articles_case=True,
    articles=["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"],
)
FRENCH_STOP = token_filter("fr_stop", type="stop", stopwords="_french_")
FRENCH_STEMMER = token_filter("fr_stemmer", type="stemmer", language="light_french")

# Full French analysis: what people mean ("préconisations" finds "préconisation").
FRENCH = analyzer(
    "francais",
    type="custom",
    tokenizer="standard",
    char_filter=["html_strip"],
    filter=[FRENCH_ELISION, "lowercase", FRENCH_STOP, FRENCH_STEMMER, "asciifolding"],
)
# Exact words, accents and case folded, no stemming, no stop words: ranks exact forms higher.
FOLDED = analyzer(
    "francais_exact",
    type="custom",
    tokenizer="standard",
    char_filter=["html_strip"],
    filter=[FRENCH_ELISION, "lowercase", "asciifolding"],
)
# Words as written (accents kept), for "did you mean" suggestions worth showing.
SPELLING = analyzer(
    "francais_orthographe",
    type="custom",
    tokenizer="standard",
    char_filter=["html_strip"],
    filter=[FRENCH_ELISION, "lowercase"],
)


def _text(exact: bool = False, offsets: bool = False) -> Text:
    # Offsets in the postings (``offsets``): the highlighter reads where the words are
    # instead of analysing the hit's text again (a third of a search's time at 100,000
    # documents); for the fields snippets come from, the body and the attachments.
    postings: Literal["offsets", "positions"] = "offsets" if offsets else "positions"
    fields = {"exact": Text(analyzer=FOLDED, index_options=postings)} if exact else {}
    return Text(analyzer=FRENCH, fields=fields, copy_to="spelling", index_options=postings)


@dataclass(frozen=True)
class ClusterHealth:
    status: str  # green, yellow or red
    nodes: int
    unassigned_shards: int
    live_indices: list[str]  # behind the alias: one, or none before the first write


def build_mapping() -> Mapping:
    mapping = Mapping()
    mapping.meta("dynamic", "strict")
    mapping.field("key", Keyword())
    mapping.field("kind", Keyword())
    mapping.field("url", Keyword(index=False))
    mapping.field("title", _text(exact=True))
    mapping.field("summary", _text(exact=True))
    mapping.field("body", _text(exact=True, offsets=True))
    mapping.field("attachments", _text(offsets=True))
    mapping.field("spelling", Text(analyzer=SPELLING, fields={"folded": Text(analyzer=FOLDED)}))
    # Facet fields: their global ordinals are built at refresh time rather than by the
    # first search after each write (every write refreshes).
    mapping.field(
        "theme", Keyword(eager_global_ordinals=True, fields={"text": Text(analyzer=FRENCH)})
    )
    mapping.field("colleges", Keyword(eager_global_ordinals=True))
    mapping.field("territory", Keyword(eager_global_ordinals=True))
    mapping.field("type", Keyword(eager_global_ordinals=True))
    mapping.field("year", Keyword(eager_global_ordinals=True))
    mapping.field("status", Keyword(eager_global_ordinals=True))
    # "<phonetic key> <word as written>" for each word of the document (``sounds_of``):
    # a terms aggregation under the reader's filter gives the visible words that sound
    # like a misspelt one, with their accents.
    mapping.field("sounds", Keyword(ignore_above=200))
    mapping.field("date", Date(format="strict_date"))
    mapping.field("authors", Text(analyzer=FOLDED, fields={"raw": Keyword()}))
    mapping.field("acl", Keyword())
    mapping.field("acl_count", Integer())
    mapping.field("fingerprint", Keyword(index=False))
    return mapping


def index_body(loading: bool = False) -> dict[str, Any]:
    """Settings, analysis and mappings of one versioned index (``loading``: for a bulk load)."""
    definition = Index("definition")
    # No replica on a single node (green health), one as soon as there is a second node.
    definition.settings(number_of_shards=1, auto_expand_replicas="0-1")
    if loading:
        # Loading: no refresh, no replica to copy every document to, translog fsynced in
        # the background; ``LIVE_SETTINGS`` are put back before the alias moves.
        definition.settings(
            refresh_interval="-1",
            auto_expand_replicas=False,
            number_of_replicas=0,
            translog={"durability": "async"},
        )
    definition.mapping(build_mapping())
    return definition.to_dict()


# What a loaded index gets back before it goes live (null: the index default).
LIVE_SETTINGS = {
    "index": {
        "refresh_interval": None,
        "auto_expand_replicas": "0-1",
        "translog": {"durability": None},
    }
}


# --- Query ------------------------------------------------------------------------------

# cross_fields: every word must appear somewhere in the document (title, summary, body,
# attachments, theme), as the database store does; fields of the same analyzer are blended.
SEARCH_FIELDS = [
    "title^5",
    "title.exact^6",
    "summary^2",
    "summary.exact^2",
    "body",
    "body.exact^1.2",
    "attachments",
    "theme.text^2",
    "authors^2",
]
# Highlighted field -> the fields whose matches it shows (the unstemmed subfield too).
HIGHLIGHT_FIELDS = {
    "body": ["body", "body.exact"],
    "summary": ["summary", "summary.exact"],
    "attachments": ["attachments"],
    "title": ["title", "title.exact"],
}
# Where a hit's snippet comes from, in order; the title is shown anyway, so it comes last.
SNIPPET_SOURCES = ("body", "summary", "attachments")
FACET_FIELDS = {
    "college": "colleges",
    "theme": "theme",
    "type": "type",
    "territory": "territory",
    "year": "year",
    "status": "status",
}
FACET_SIZE = 50
SNIPPET_LENGTH = 160
# Suggest a correction when a query finds at most this many visible documents.
SUGGEST_BELOW = 1
MAX_RESULT_WINDOW = 10_000
BULK_CHUNK = 500
# A rebuild sends bigger requests, two at a time: the cluster analyses one while the
# client serialises the next.
REBUILD_CHUNK = 1000
REBUILD_THREADS = 3
VERSION_RE = r"-v(\d+)$"

assert set(FACET_FIELDS) == set(FACETS)


def _words_in(text: str, fields: list[str]) -> dict[str, Any]:
    """The query's words in these fields alone: what a highlighted field shows.

    Highlighting with the whole query would make every field extract the terms of all
    nine searched fields for every hit (most of a search's time at 100,000 documents).
    """
    return {"bool": {"should": [{"match": {field: {"query": text}}} for field in fields]}}


def _or_none(value: str) -> str | None:
    return value or None


# Words of one document given a phonetic key ("did you mean"), as the database store counts.
MAX_SOUNDS_PER_DOCUMENT = 10_000
SOUND_OPTIONS = 20  # visible words sharing one key, most frequent first


def sounds_of(document: SearchDocument) -> list[str]:
    """ "<key> <word as written>" for the words of a document worth suggesting."""
    joined = "\n".join(
        (
            document.title,
            document.summary,
            document.body,
            document.attachments,
            document.theme,
            " ".join(document.authors),
        )
    )
    words = french.vocabulary(joined, MAX_SOUNDS_PER_DOCUMENT)
    return [f"{french.sound(folded)} {written}" for folded, written in words.items()]


def to_source(document: SearchDocument) -> dict[str, Any]:
    acl = sorted(set(document.acl))
    return {
        "key": document.key,
        "kind": document.kind,
        "url": document.url,
        "title": document.title,
        "summary": document.summary,
        "body": document.body,
        "attachments": document.attachments,
        "theme": _or_none(document.theme),
        "colleges": list(document.colleges),
        "territory": _or_none(document.territory),
        "type": _or_none(document.type),
        "year": _or_none(document.year),
        "status": _or_none(document.status),
        "sounds": sounds_of(document),
        "date": document.date.isoformat()[:10] if document.date else None,
        "authors": list(document.authors),
        "acl": acl,
        "acl_count": len(acl),
        "fingerprint": document.fingerprint(),
    }


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value[:10]) if value else None


def summary_snippet(summary: str, length: int = SNIPPET_LENGTH) -> str:
    """The beginning of the summary, cut at a word boundary, HTML-escaped."""
    text = " ".join(summary.split())
    if len(text) > length:
        cut = text[:length].rsplit(" ", 1)[0] or text[:length]
        text = cut.rstrip(" ,;:.") + "…"
    return html.escape(text)


# --- The store --------------------------------------------------------------------------


class ElasticsearchStore:
    name = "elasticsearch"

    def __init__(
        self,
        url: str,
        index_prefix: str = "intranet-contributions",
        timeout: float = 5,
        search_timeout: float | None = None,
    ) -> None:
        self.url = url
        self.alias = index_prefix
        self.building_alias = f"{index_prefix}-building"
        self.timeout = timeout
        self.client = Elasticsearch(
            url, request_timeout=timeout, max_retries=0, retry_on_timeout=False
        )
        # A reader waits for a page: past this, the database answers instead.
        self.reader = self.client.options(
            request_timeout=timeout if search_timeout is None else search_timeout
        )
        # A rebuild sends thousands of documents per call: it may take its time.
        self.loader = self.client.options(request_timeout=max(timeout, REBUILD_TIMEOUT))

    def ping(self, timeout: float = 1) -> bool:
        """Whether the cluster answers within ``timeout`` seconds (the breaker's probe)."""
        try:
            return bool(self.client.options(request_timeout=timeout).ping())
        except (TransportConnectionError, ConnectionTimeout, ApiError):
            return False

    # -- plumbing

    def _call(self, operation: Callable[[], T]) -> T:
        """Run one exchange with the cluster; unreachable or overloaded means unavailable."""
        try:
            return operation()
        except (TransportConnectionError, ConnectionTimeout) as error:
            raise StoreUnavailable(f"Elasticsearch at {self.url} unreachable: {error}") from error
        except ApiError as error:
            if error.status_code in (429, 502, 503, 504):
                raise StoreUnavailable(f"Elasticsearch at {self.url}: {error}") from error
            raise

    def _version_name(self, version: int) -> str:
        return f"{self.alias}-v{version}"

    def _versions(self) -> dict[str, int]:
        """Versioned indices of this prefix: name -> version number."""
        found = self.client.options(ignore_status=404).indices.get(
            index=f"{self.alias}-v*", expand_wildcards="open,closed"
        )
        pattern = re.compile(re.escape(self.alias) + VERSION_RE)
        versions = {}
        for name in found.body if found.meta.status == 200 else {}:
            match = pattern.fullmatch(name)
            if match:
                versions[name] = int(match.group(1))
        return versions

    def _alias_indices(self, alias: str) -> list[str]:
        found = self.client.options(ignore_status=404).indices.get_alias(name=alias)
        if found.meta.status != 200:
            return []
        return sorted(found.body)

    def _create_version(self, aliases: dict[str, dict], loading: bool = False) -> str:
        """Create the next versioned index (retrying if another process took the number)."""
        version = max(self._versions().values(), default=0) + 1
        while True:
            name = self._version_name(version)
            try:
                self.loader.indices.create(
                    index=name, aliases=aliases, wait_for_active_shards="1", **index_body(loading)
                )
                return name
            except ApiError as error:
                if error.error != "resource_already_exists_exception":
                    raise
                version += 1

    def _ensure_alias(self) -> None:
        """Create the first version behind the alias if there is no alias yet."""
        version = 1
        while not self._alias_indices(self.alias):
            try:
                self.loader.indices.create(
                    index=self._version_name(version),
                    aliases={self.alias: {}},
                    wait_for_active_shards="1",
                    **index_body(),
                )
            except ApiError as error:
                # Another process created it (then the alias exists now), or a first rebuild
                # is loading that version (then try the next number).
                if error.error != "resource_already_exists_exception":
                    raise
                version += 1

    def _write_targets(self) -> list[str]:
        """The live alias, plus the index a rebuild is loading if there is one."""
        return [self.alias, *self._alias_indices(self.building_alias)]

    def _bulk(self, target: str, actions: Iterable[dict]) -> tuple[int, list]:
        ok, errors = helpers.bulk(
            self.client,
            actions,
            chunk_size=BULK_CHUNK,
            refresh=True,
            raise_on_error=False,
            # Through the alias, never auto-create a concrete index of that name.
            require_alias=target == self.alias,
        )
        assert isinstance(errors, list)  # an int only with stats_only
        return ok, errors

    # -- writes

    def index(self, documents: Iterable[SearchDocument]) -> int:
        documents = list(documents)
        if not documents:
            return 0

        def write() -> int:
            self._ensure_alias()
            done = 0
            for target in self._write_targets():
                ok, errors = self._bulk(target, self._index_actions(target, documents))
                if errors and all(_is_unmapped_field(error) for error in errors):
                    # An index made by an earlier release lacks a field added since: fields
                    # can be added to a live index, so add them and write again.
                    self._add_new_fields(target)
                    ok, errors = self._bulk(target, self._index_actions(target, documents))
                if errors:
                    raise BulkError(errors)
                done = done or ok
            return done

        return self._call(write)

    @staticmethod
    def _index_actions(target: str, documents: list[SearchDocument]) -> Iterator[dict]:
        for document in documents:
            yield {
                "_op_type": "index",
                "_index": target,
                "_id": document.key,
                "_source": to_source(document),
            }

    def _add_new_fields(self, target: str) -> None:
        """Add to ``target`` the fields of the current mapping it lacks; none is changed.

        Only the missing fields: a field whose definition changed since (its index options,
        say) cannot be changed on a live index, and the next rebuild brings it up to date.
        """
        logger.warning("Index %s : ajout des champs apparus depuis sa création", target)
        current = build_mapping().to_dict()
        existing = self.loader.indices.get_mapping(index=target).body
        known = {
            name for index in existing.values() for name in index["mappings"].get("properties", {})
        }
        missing = {
            name: field for name, field in current["properties"].items() if name not in known
        }
        self.loader.indices.put_mapping(index=target, properties=missing)

    def delete(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        if not keys:
            return

        def remove() -> None:
            if not self._alias_indices(self.alias):
                return
            for target in self._write_targets():
                actions = ({"_op_type": "delete", "_index": target, "_id": key} for key in keys)
                _, errors = self._bulk(target, actions)
                errors = [e for e in errors if e.get("delete", {}).get("status") != 404]
                if errors:
                    raise BulkError(errors)

        self._call(remove)

    def rebuild(
        self, documents: Iterable[SearchDocument], total: int, progress: Progress | None = None
    ) -> int:
        """Load every document into a new version, then move the alias onto it."""
        return self._call(lambda: self._rebuild(documents, total, progress))

    def _rebuild(
        self, documents: Iterable[SearchDocument], total: int, progress: Progress | None
    ) -> int:
        new = self._create_version({self.building_alias: {}}, loading=True)
        try:
            if progress:
                progress(0, total)
            done = self._load(new, documents, total, progress)
            self.loader.indices.put_settings(index=new, settings=LIVE_SETTINGS)
            self.loader.indices.refresh(index=new)
            live = self._alias_indices(self.alias)
            self.client.indices.update_aliases(
                actions=[
                    *({"remove": {"index": old, "alias": self.alias}} for old in live),
                    {"remove": {"index": new, "alias": self.building_alias}},
                    {"add": {"index": new, "alias": self.alias}},
                ]
            )
        except BaseException:
            try:  # the live alias never moved: drop the half-loaded version
                self.client.options(ignore_status=404).indices.delete(index=new)
            except (TransportConnectionError, ConnectionTimeout, ApiError):
                pass  # the next rebuild deletes it (no alias points at it)
            raise
        self._delete_unused_versions()
        return done

    def _load(
        self, index: str, documents: Iterable[SearchDocument], total: int, progress: Progress | None
    ) -> int:
        """Send the documents in chunks, ``REBUILD_THREADS`` requests in flight.

        Documents are read in this thread (they may come from the ORM, whose connections
        belong to a thread); the worker threads only send the requests.
        """
        done = 0
        pending: deque[tuple[int, Future]] = deque()

        def settle() -> None:
            nonlocal done
            sent, future = pending.popleft()
            future.result()
            done += sent
            if progress:
                progress(done, total)

        with ThreadPoolExecutor(REBUILD_THREADS) as pool:
            iterator = iter(documents)
            while chunk := list(islice(iterator, REBUILD_CHUNK)):
                operations: list[dict] = []
                for document in chunk:
                    operations.append({"index": {"_index": index, "_id": document.key}})
                    operations.append(to_source(document))
                pending.append((len(chunk), pool.submit(self._send_chunk, operations)))
                if len(pending) >= REBUILD_THREADS:
                    settle()
            while pending:
                settle()
        return done

    def _send_chunk(self, operations: list[dict]) -> None:
        response = self.loader.bulk(operations=operations)
        if response["errors"]:
            raise BulkError(
                [item for item in response["items"] if item.get("index", {}).get("error")]
            )

    def _delete_unused_versions(self) -> None:
        """Delete versions no alias points at (not the live one, not one being loaded)."""
        in_use = set(self._alias_indices(self.alias)) | set(
            self._alias_indices(self.building_alias)
        )
        unused = sorted(set(self._versions()) - in_use)
        if unused and in_use:
            self.client.options(ignore_status=404).indices.delete(index=",".join(unused))

    # -- reads

    def health(self) -> ClusterHealth:
        """The cluster's health and the index the alias points to (``search_index status``)."""

        def run() -> ClusterHealth:
            cluster = self.client.cluster.health()
            aliases = self.client.options(ignore_status=404).indices.get_alias(name=self.alias)
            return ClusterHealth(
                status=cluster["status"],
                nodes=cluster["number_of_nodes"],
                unassigned_shards=cluster["unassigned_shards"],
                live_indices=sorted(aliases.body) if aliases.meta.status == 200 else [],
            )

        return self._call(run)

    def count(self) -> int:
        def run() -> int:
            response = self.client.options(ignore_status=404).count(index=self.alias)
            return response["count"] if response.meta.status == 200 else 0

        return self._call(run)

    def fingerprints(self) -> dict[str, str]:
        def run() -> dict[str, str]:
            if not self._alias_indices(self.alias):
                return {}
            return {
                hit["_id"]: hit["_source"]["fingerprint"]
                for hit in helpers.scan(
                    self.client,
                    index=self.alias,
                    query={"query": {"match_all": {}}, "_source": ["fingerprint"]},
                    size=1000,
                    scroll="2m",
                )
            }

        return self._call(run)

    def visible(self, reader_tokens: Iterable[str]) -> Query:
        """The ACL as one clause: all of a document's tokens are among the reader's."""
        return Q(
            "terms_set",
            acl={"terms": sorted(reader_tokens), "minimum_should_match_field": "acl_count"},
        )

    def _filtered(self, query: SearchQuery) -> Search:
        """Visible documents matching the words and the facet filters: hits, totals, facets."""
        filters = [self.visible(query.reader_tokens)]
        for facet, value in sorted(query.filters.items()):
            if facet not in FACET_FIELDS:
                raise ValueError(f"Unknown facet {facet!r} (expected one of {FACETS})")
            if value:
                filters.append(Q("term", **{FACET_FIELDS[facet]: value}))
        text = query.text.strip()
        if text:
            words = Q(
                "multi_match",
                query=text,
                type="cross_fields",
                operator="and",
                fields=SEARCH_FIELDS,
            )
        else:
            words = Q("match_all")
        return Search(using=self.reader, index=self.alias).query(
            Q("bool", must=[words], filter=filters)
        )

    def search(self, query: SearchQuery) -> SearchResult:
        try:
            return self._call(lambda: self._search(query))
        except ApiError as error:
            # Not a failure of the cluster (those raise StoreUnavailable): this query was
            # refused; the database answers it, the cluster stays in service for others.
            logger.warning("Elasticsearch refused a search: %s", error)
            raise QueryRefused(str(error)) from error

    def _search(self, query: SearchQuery) -> SearchResult:
        text = query.text.strip()
        per_page = max(0, query.per_page)
        start = max(0, query.page - 1) * per_page
        size = max(0, min(per_page, MAX_RESULT_WINDOW - start))
        if size == 0:
            start = 0

        search = self._filtered(query).extra(
            from_=start, size=size, track_total_hits=True, track_scores=True
        )
        by_date = query.sort == "date" or not text
        newest = {"date": {"order": "desc", "missing": "_last"}}
        if by_date:
            search = search.sort(newest, "_score", {"key": {"order": "asc"}})
        else:
            search = search.sort("_score", newest, {"key": {"order": "asc"}})
        search = search.source(
            ["key", "title", "url", "summary", "body", "type", "colleges", "theme", "date"]
        )
        if text:
            search = search.highlight_options(
                pre_tags=["<mark>"],
                post_tags=["</mark>"],
                encoder="html",
                fragment_size=150,
                number_of_fragments=1,
                # Very long attachments exceed the index's highlight limit (1,000,000):
                # highlight their beginning instead of failing the search.
                max_analyzed_offset=999_999,
            )
            for field, matched in HIGHLIGHT_FIELDS.items():
                search = search.highlight(
                    field, matched_fields=matched, highlight_query=_words_in(text, matched)
                )
        for facet, field in FACET_FIELDS.items():
            # Most frequent first, ties by value (as the database store); years newest first.
            order = (
                {"_key": "desc"}
                if facet in NEWEST_FIRST_FACETS
                else [{"_count": "desc"}, {"_key": "asc"}]
            )
            search.aggs.bucket(facet, "terms", field=field, size=FACET_SIZE, order=order)

        try:
            # The plain client, not ``search.execute()``: the DSL's response objects cost
            # more than the parsing below. The shard request cache keeps the result of a
            # query already asked (same words, filters and reader tokens: the key is the
            # whole body) until the next refresh that changes the index.
            response = self.reader.search(
                index=self.alias, body=search.to_dict(), request_cache=True
            ).body
        except NotFoundError:
            return SearchResult(count=0, hits=[], facets={f: [] for f in FACETS}, store=self.name)

        hits = [self._hit(hit) for hit in response["hits"]["hits"]]
        aggregations = response.get("aggregations", {})
        facets = {
            facet: [
                FacetValue(value=str(bucket["key"]), count=bucket["doc_count"])
                for bucket in aggregations.get(facet, {}).get("buckets", [])
            ]
            for facet in FACET_FIELDS
        }
        count = response["hits"]["total"]["value"]
        suggestion = self._suggest(query) if text and count < SUGGEST_BELOW else None
        return SearchResult(
            count=count, hits=hits, facets=facets, store=self.name, suggestion=suggestion
        )

    def _hit(self, hit: dict[str, Any]) -> Hit:
        source = hit.get("_source", {})
        highlights = hit.get("highlight", {})
        snippet = next(
            (highlights[field][0] for field in SNIPPET_SOURCES if highlights.get(field)), None
        )
        if snippet is None and source.get("summary"):
            snippet = summary_snippet(source["summary"])
        if snippet is None:
            snippet = (highlights.get("title") or [summary_snippet(source.get("body") or "")])[0]
        return Hit(
            key=source["key"],
            title=source.get("title") or "",
            url=source.get("url") or "",
            snippet=snippet,
            type=source.get("type") or "",
            colleges=tuple(source.get("colleges") or ()),
            theme=source.get("theme") or "",
            date=_date(source.get("date")),
            score=float(hit.get("_score") or 0.0),
        )

    # -- suggestions

    def _term_suggestions(self, text: str, **fields: str) -> dict[str, list[dict]]:
        """Term suggester entries (offset, length, text, options) per field."""
        search = Search(using=self.reader, index=self.alias).extra(size=0)
        for name, field in fields.items():
            search = search.suggest(
                name,
                text,
                term={
                    "field": field,
                    "suggest_mode": "missing",
                    "sort": "score",
                    "size": 3,
                    "min_word_length": 3,
                    "prefix_length": 0,
                },
            )
        suggest = search.execute().suggest
        return {name: [entry.to_dict() for entry in suggest[name]] for name in fields}

    def _suggest(self, query: SearchQuery) -> str | None:
        """A corrected query that finds documents this reader may see, or None.

        Words are looked up as written (accents kept) and folded: Lucene's spell checker
        wants the first letter right for two edits, so "evaluasion" only reaches
        "évaluation" through the folded field ("evaluation"), whose accents a second
        lookup on the accented field restores.
        """
        text = query.text.strip()
        alike = self._suggest_by_sound(query)
        if alike is not None:
            return alike
        try:
            found = self._term_suggestions(text, written="spelling", folded="spelling.folded")
        except NotFoundError:
            return None
        folded = {entry["offset"]: entry for entry in found["folded"]}
        entries = []
        for entry in found["written"]:
            if not entry["options"] and folded.get(entry["offset"], {}).get("options"):
                entry = {**entry, "options": folded[entry["offset"]]["options"]}
            entries.append(entry)
        self._restore_accents(entries)
        for candidate, options in _corrections(text, entries):
            if candidate.strip().lower() == text.lower():
                continue
            # The term suggester reads the words of every document, restricted ones too,
            # and the check query matches stems: each word offered must itself be written
            # in a document this reader may see, or its spelling would leak.
            written_here = [
                Q("bool", should=[Q("term", spelling=word), Q("term", **{"spelling.folded": word})])
                for word in sorted(set(options))
            ]
            check = (
                self._filtered(
                    SearchQuery(
                        text=candidate, reader_tokens=query.reader_tokens, filters=query.filters
                    )
                )
                .filter(Q("bool", filter=written_here))
                .extra(size=0, track_total_hits=1)
            )
            # The stubs type hits as a plain list; it is an AttrList that carries the total.
            if check.execute().hits.total.value > 0:  # type: ignore[attr-defined]
                return candidate
        return None

    def _suggest_by_sound(self, query: SearchQuery) -> str | None:
        """The query with each unknown word replaced by a visible word that sounds like it.

        One request: per word, a terms aggregation over ``sounds`` under the reader's
        filter, so only words of documents the reader may see come back; a second one
        checks that the corrected query finds some.
        """
        words = sorted(
            {
                word
                for word in french.tokens(query.text)
                if word.isalpha() and len(word) >= 3 and french.normalise_word(word)
            }
        )
        if not words:
            return None
        search = (
            Search(using=self.reader, index=self.alias)
            .filter(self.visible(query.reader_tokens))
            .extra(size=0)
        )
        for number, word in enumerate(words):
            key = "".join(char if char.isalnum() else f"\\{char}" for char in french.sound(word))
            search.aggs.bucket(
                f"w{number}", "terms", field="sounds", include=f"{key} .*", size=SOUND_OPTIONS
            )
        try:
            response = self.reader.search(index=self.alias, body=search.to_dict()).body
        except NotFoundError:
            return None
        aggregations = response.get("aggregations", {})
        replacements = {}
        for number, word in enumerate(words):
            counts: dict[str, int] = {}
            written: dict[str, str] = {}
            for bucket in aggregations.get(f"w{number}", {}).get("buckets", []):
                display = str(bucket["key"]).split(" ", 1)[-1]
                folded = fold_accents(display)
                counts[folded] = counts.get(folded, 0) + bucket["doc_count"]
                written.setdefault(folded, display)
            if word in counts:  # a word the reader's documents hold: kept as typed
                continue
            best = french.sounds_like(word, counts)
            if best:
                replacements[word] = written[best]
        if not replacements:
            return None
        corrected = french.replace_words(query.text.strip(), replacements)
        check = self._filtered(
            SearchQuery(text=corrected, reader_tokens=query.reader_tokens, filters=query.filters)
        ).extra(size=0, track_total_hits=1)
        # The stubs type hits as a plain list; it is an AttrList that carries the total.
        if check.execute().hits.total.value > 0:  # type: ignore[attr-defined]
            return corrected
        return None

    def _restore_accents(self, entries: list[dict]) -> None:
        """Replace folded options ("evaluation") by the indexed accented word ("évaluation")."""
        words = sorted({option["text"] for entry in entries for option in entry["options"]})
        if not words:
            return
        found = self._term_suggestions(" ".join(words), written="spelling")["written"]
        accented = {
            entry["text"]: option["text"]
            for entry in found
            for option in entry["options"][:1]
            if fold_accents(option["text"]) == entry["text"]
        }
        for entry in entries:
            for option in entry["options"]:
                option["text"] = accented.get(option["text"], option["text"])


APOSTROPHES = ("'", "\u2019")


def _corrections(text: str, entries: list[dict]) -> Iterator[tuple[str, list[str]]]:
    """Corrected texts to try, with the words put in: the best option for every word
    first, then the next ones."""
    fixable = [entry for entry in entries if entry.get("options")]
    if not fixable:
        return
    rounds = max(len(entry["options"]) for entry in fixable)
    for rank in range(rounds):
        corrected = text
        used = []
        for entry in sorted(fixable, key=lambda e: e["offset"], reverse=True):
            options = entry["options"]
            option = options[min(rank, len(options) - 1)]["text"]
            used.append(option)
            start, end = entry["offset"], entry["offset"] + entry["length"]
            written = corrected[start:end]
            # Keep the elided article the analyzer removed ("l'evalution" -> "l'évaluation").
            cut = max(written.rfind(mark) for mark in APOSTROPHES)
            prefix = written[: cut + 1] if cut >= 0 else ""
            corrected = corrected[:start] + prefix + option + corrected[end:]
        yield corrected, used


def _is_unmapped_field(error: dict) -> bool:
    """A bulk item refused because the strict mapping does not know one of its fields."""
    item: dict[str, Any] = next(iter(error.values()), {})
    reason = item.get("error") or {}
    return isinstance(reason, dict) and reason.get("type") == "strict_dynamic_mapping_exception"


class BulkError(Exception):
    """Some documents were refused by Elasticsearch (mapping error, ...)."""

    def __init__(self, errors: list) -> None:
        super().__init__(f"{len(errors)} document(s) refused: {errors[:3]}")
        self.errors = errors
