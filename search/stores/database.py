"""The database search store: SQLite FTS5 or PostgreSQL full text, same French behaviour.

Documents go to ``search.models`` tables; their text, normalised by ``search.text``
(elisions split, accents folded, stop words dropped, light French stemming), goes to the
``search_fulltext`` table the migrations created for the engine: an FTS5 table ranked
with ``bm25()`` on SQLite, a weighted ``tsvector`` ranked with ``ts_rank()`` on
PostgreSQL. The query is normalised by the same code, so both engines compare the same
terms. Every word of the query must match, in any field: the title (weighted ten times
more), or the rest (summary, body, attachments, theme, authors).

The ACL filter is one SQL clause: each document points at the row of its set of ACL
tokens (``IndexedWordACL``, a handful of rows), the store reads those rows, keeps the
ones whose every token the reader holds, and filters ``acl_id IN (...)``. Counts, hits,
snippets, facets and suggestions all come from the visible documents only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import islice

from django.db import connection, models, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    QuerySet,
)
from django.db.models.expressions import RawSQL

from search import text
from search.contract import (
    FACETS,
    NEWEST_FIRST_FACETS,
    SORTS,
    FacetValue,
    Hit,
    Progress,
    SearchDocument,
    SearchQuery,
    SearchResult,
)
from search.models import (
    FULLTEXT_TABLE,
    IndexedCollege,
    IndexedDocument,
    IndexedToken,
    IndexedWord,
    IndexedWordACL,
)

HIT_FIELDS = (
    "key",
    "title",
    "url",
    "summary",
    "body",
    "attachments",
    "type",
    "colleges",
    "theme",
    "date",
)
TITLE_WEIGHT = 10.0  # a title match weighs ten body matches
MAX_PER_PAGE = 100
MAX_QUERY_TERMS = 32
# A PostgreSQL tsvector holds at most 1 MB: the text of a huge document is indexed up to
# about this size (hundreds of pages), on both engines alike.
MAX_INDEXED_BYTES = 800_000
MAX_WORDS_PER_DOCUMENT = 10_000  # "did you mean" vocabulary taken from one document
SNIPPET_SOURCE_CHARS = 200_000  # snippets look no further into very long texts
FIELD_OF_FACET = {
    "theme": "theme",
    "type": "type",
    "territory": "territory",
    "year": "year",
    "status": "status",
}


class _Engine:
    """The SQL that differs between SQLite FTS5 and PostgreSQL full text."""

    def __init__(self, vendor: str):
        if vendor not in ("sqlite", "postgresql"):
            raise RuntimeError(
                f"The database search store needs SQLite or PostgreSQL, not {vendor}"
            )
        self.vendor = vendor

    def query(self, terms: list[str]) -> str:
        """The engine's query string: all terms must match."""
        if self.vendor == "sqlite":
            return " ".join(f'"{term}"' for term in terms)
        return " ".join(terms)  # for plainto_tsquery: terms ANDed

    def matching_ids(self) -> str:
        if self.vendor == "sqlite":
            return f"SELECT rowid FROM {FULLTEXT_TABLE} WHERE {FULLTEXT_TABLE} MATCH %s"
        return f"SELECT rowid FROM {FULLTEXT_TABLE} WHERE vector @@ plainto_tsquery('simple', %s)"

    def _rank_sql(self) -> tuple[str, str]:
        """The rank expression and the match condition, each with one parameter."""
        if self.vendor == "sqlite":
            return f"-bm25({FULLTEXT_TABLE}, {TITLE_WEIGHT}, 1.0)", f"{FULLTEXT_TABLE} MATCH %s"
        weights = f"'{{0, 0, {1 / TITLE_WEIGHT}, 1}}'"
        return (
            f"ts_rank({weights}, vector, plainto_tsquery('simple', %s))",
            "vector @@ plainto_tsquery('simple', %s)",
        )

    def _rank_params(self, match: str) -> list[str]:
        """Parameters of the rank expression then of the match condition."""
        return [match, match] if self.vendor == "postgresql" else [match]

    def ranked(self, matching: QuerySet, match: str, limit: int, offset: int):
        """(id, score) of one page of the matching documents, best first, in one query."""
        rank, condition = self._rank_sql()
        matching_sql, matching_params = matching.values("pk").query.sql_with_params()
        table = IndexedDocument._meta.db_table
        sql = (
            f"SELECT d.id, {rank} AS score FROM {FULLTEXT_TABLE} "
            f"JOIN {table} d ON d.id = {FULLTEXT_TABLE}.rowid "
            f"WHERE {condition} AND d.id IN ({matching_sql}) "
            "ORDER BY score DESC, d.date DESC NULLS LAST, d.key LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*self._rank_params(match), *matching_params, limit, offset])
            return [(pk, float(score)) for pk, score in cursor.fetchall()]

    def scores(self, ids: list[int], match: str) -> dict[int, float]:
        """Scores of a few documents (a page of hits sorted by date)."""
        if not ids:
            return {}
        rank, condition = self._rank_sql()
        placeholders = ", ".join(["%s"] * len(ids))
        sql = (
            f"SELECT rowid, {rank} FROM {FULLTEXT_TABLE} "
            f"WHERE {condition} AND rowid IN ({placeholders})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*self._rank_params(match), *ids])
            return {pk: float(score) for pk, score in cursor.fetchall()}

    def write(self, cursor, rows: list[tuple[int, str, str]]) -> None:
        """Store (id, normalised title, normalised rest) rows, replacing any for those ids."""
        if not rows:
            return
        if self.vendor == "sqlite":
            self.delete(cursor, [row[0] for row in rows])
            cursor.executemany(
                f"INSERT INTO {FULLTEXT_TABLE} (rowid, title, body) VALUES (%s, %s, %s)", rows
            )
        else:
            cursor.executemany(
                f"INSERT INTO {FULLTEXT_TABLE} (rowid, vector) VALUES (%s, "
                "setweight(to_tsvector('simple', %s), 'A') || "
                "setweight(to_tsvector('simple', %s), 'B')) "
                "ON CONFLICT (rowid) DO UPDATE SET vector = EXCLUDED.vector",
                rows,
            )

    def delete(self, cursor, ids: list[int]) -> None:
        for chunk in _chunks(ids, 500):
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {FULLTEXT_TABLE} WHERE rowid IN ({placeholders})", chunk)

    def clear(self, cursor) -> None:
        cursor.execute(f"DELETE FROM {FULLTEXT_TABLE}")


class DatabaseStore:
    name = "database"
    batch_size = 200
    suggest_below = 3  # look for a "did you mean" when the query finds fewer documents
    # While a rebuild runs: vocabulary counts gathered in memory (see ``rebuild``).
    _word_sink: tuple[Counter, dict] | None = None

    @property
    def engine(self) -> _Engine:
        return _Engine(connection.vendor)

    # --- Writing -------------------------------------------------------------------------

    def index(self, documents: Iterable[SearchDocument]) -> int:
        written = 0
        with transaction.atomic():
            for batch in _chunks(documents, self.batch_size):
                written += self._write(batch)
        return written

    def delete(self, keys: Iterable[str]) -> None:
        keys = list(dict.fromkeys(keys))
        with transaction.atomic(), connection.cursor() as cursor:
            for chunk in _chunks(keys, 500):
                ids = list(
                    IndexedDocument.objects.filter(key__in=chunk).values_list("pk", flat=True)
                )
                if not ids:
                    continue
                _apply_word_changes(*_vocabulary_changes(old_ids=ids))
                self.engine.delete(cursor, ids)
                IndexedToken.objects.filter(document_id__in=ids).delete()
                IndexedCollege.objects.filter(document_id__in=ids).delete()
                IndexedDocument.objects.filter(pk__in=ids).only("pk").delete()

    def rebuild(
        self,
        documents: Iterable[SearchDocument],
        total: int,
        progress: Progress | None = None,
    ) -> int:
        done = 0
        reported = None
        # The vocabulary is counted in memory and written once at the end: counting it
        # batch by batch in the table would read and rewrite common words every time.
        self._word_sink = (Counter(), {})
        try:
            with transaction.atomic():
                self._clear()
                for batch in _chunks(documents, self.batch_size):
                    done += self._write(batch)
                    if progress:
                        progress(done, total)
                        reported = done
                _apply_word_changes(*self._word_sink)
                if progress and reported != done:
                    progress(done, total)
        finally:
            self._word_sink = None
        return done

    def _clear(self) -> None:
        with connection.cursor() as cursor:
            self.engine.clear(cursor)
            # Words before their ACLs: they point at them.
            models = (IndexedToken, IndexedCollege, IndexedDocument, IndexedWord, IndexedWordACL)
            for model in models:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")

    def _write(self, batch: list[SearchDocument]) -> int:
        documents = {document.key: document for document in batch}  # the last one wins
        existing = dict(
            IndexedDocument.objects.filter(key__in=list(documents)).values_list("key", "pk")
        )
        # The vocabulary the old versions brought goes before their rows are overwritten.
        old_words = _vocabulary_changes(old_ids=list(existing.values()))
        acl_ids = _acl_ids({_acl_key(document.acl) for document in documents.values()})
        rows = [
            _row(document, existing.get(document.key), acl_ids[_acl_key(document.acl)])
            for document in documents.values()
        ]
        new_rows = [row for row in rows if row.pk is None]
        old_rows = [row for row in rows if row.pk is not None]
        if old_rows:
            IndexedDocument.objects.bulk_update(old_rows, _UPDATED_FIELDS)
        if new_rows:
            IndexedDocument.objects.bulk_create(new_rows)
        ids = dict(IndexedDocument.objects.filter(key__in=list(documents)).values_list("key", "pk"))

        IndexedToken.objects.filter(document_id__in=list(existing.values())).delete()
        IndexedCollege.objects.filter(document_id__in=list(existing.values())).delete()
        _insert_pairs(
            IndexedToken,
            "token",
            [
                (ids[key], token)
                for key, document in documents.items()
                for token in sorted(set(document.acl))
            ],
        )
        _insert_pairs(
            IndexedCollege,
            "college",
            [
                (ids[key], college)
                for key, document in documents.items()
                for college in sorted(set(document.colleges))
                if college
            ],
        )

        fulltext = []
        for key, document in documents.items():
            rest = (
                document.summary,
                document.body,
                document.attachments,
                document.theme,
                " ".join(document.authors),
            )
            fulltext.append(
                (
                    ids[key],
                    text.index_text(document.title, max_bytes=MAX_INDEXED_BYTES // 10),
                    text.index_text(*rest, max_bytes=MAX_INDEXED_BYTES),
                )
            )
        with connection.cursor() as cursor:
            self.engine.write(cursor, fulltext)
        deltas, displays = old_words
        for document in documents.values():
            acl = _acl_key(document.acl)
            own = _vocabulary(
                document.title,
                document.summary,
                document.body,
                document.attachments,
                document.theme,
                document.authors,
            )
            deltas.update((acl, word) for word in own)
            for word, written in own.items():
                displays.setdefault((acl, word), written)
        if self._word_sink is not None:
            self._word_sink[0].update(deltas)
            for word_key, written in displays.items():
                self._word_sink[1].setdefault(word_key, written)
        else:
            _apply_word_changes(deltas, displays)
        return len(documents)

    # --- Reading -------------------------------------------------------------------------

    def fingerprints(self) -> dict[str, str]:
        return dict(IndexedDocument.objects.values_list("key", "fingerprint"))

    def count(self) -> int:
        return IndexedDocument.objects.count()

    def search(self, query: SearchQuery) -> SearchResult:
        facets: dict[str, list[FacetValue]] = {name: [] for name in FACETS}
        browsing = not query.text.strip()
        terms = list(dict.fromkeys(text.terms(query.text)))[:MAX_QUERY_TERMS]
        if not browsing and not terms:  # only stop words: nothing to look for
            return SearchResult(count=0, hits=[], facets=facets, store=self.name)

        matching = self._matching(query.reader_tokens, terms, query.filters)
        count, facets = self._count_and_facets(matching)
        hits = self._hits(matching, query, terms) if count else []
        suggestion = None if browsing else self._suggest(query, count)
        return SearchResult(
            count=count, hits=hits, facets=facets, store=self.name, suggestion=suggestion
        )

    def _matching(
        self, reader_tokens: Iterable[str], terms: list[str], filters: dict[str, str]
    ) -> QuerySet:
        """Visible documents (the ACL clause), matching every term and every filter."""
        documents = _visible(IndexedDocument.objects.all(), reader_tokens)
        if terms:
            match = self.engine.query(terms)
            documents = documents.filter(pk__in=RawSQL(self.engine.matching_ids(), [match]))
        for name, value in sorted((filters or {}).items()):
            if name not in FACETS:
                raise ValueError(f"Unknown facet {name!r} (expected one of {FACETS})")
            if not value:
                continue
            if name == "college":
                documents = documents.filter(
                    Exists(IndexedCollege.objects.filter(document=OuterRef("pk"), college=value))
                )
            else:
                documents = documents.filter(**{FIELD_OF_FACET[name]: str(value)})
        return documents

    def _count_and_facets(self, matching: QuerySet) -> tuple[int, dict[str, list[FacetValue]]]:
        """The number of matching documents and their facet counts.

        One grouped query gives the number of documents per combination of the field
        facets (a few thousand rows at most, against one row per document before), the
        count and the field facets are summed from it; the colleges take a second query.
        """
        fields = [FIELD_OF_FACET[name] for name in FACETS if name != "college"]
        counters: dict[str, Counter[str]] = {field: Counter() for field in fields}
        count = 0
        groups = matching.order_by().values_list(*fields).annotate(n=Count("pk"))
        for *values, n in groups:
            count += n
            for field, value in zip(fields, values, strict=True):
                if value:
                    counters[field][value] += n
        if not count:
            return 0, {name: [] for name in FACETS}
        colleges = Counter(
            dict(
                IndexedCollege.objects.filter(document__in=matching.order_by().values("pk"))
                .values_list("college")
                .annotate(n=Count("document", distinct=True))
                .values_list("college", "n")
            )
        )
        facets = {}
        for name in FACETS:
            counter = colleges if name == "college" else counters[FIELD_OF_FACET[name]]
            if name in NEWEST_FIRST_FACETS:
                ranked = sorted(counter.items(), key=lambda item: item[0], reverse=True)
            else:
                ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
            facets[name] = [FacetValue(value=value, count=n) for value, n in ranked]
        return count, facets

    def _hits(self, matching: QuerySet, query: SearchQuery, terms: list[str]) -> list[Hit]:
        per_page = max(1, min(int(query.per_page), MAX_PER_PAGE))
        page = max(1, int(query.page))
        sort = query.sort if query.sort in SORTS else "relevance"
        start = (page - 1) * per_page
        if terms and sort == "relevance":
            # One ranked query joined to the full-text table: scoring row by row in a
            # correlated subquery took minutes on 100,000 documents.
            ranked = self.engine.ranked(matching, self.engine.query(terms), per_page, start)
        else:
            ids = list(
                matching.order_by(F("date").desc(nulls_last=True), "key").values_list(
                    "pk", flat=True
                )[start : start + per_page]
            )
            scores = self.engine.scores(ids, self.engine.query(terms)) if terms else {}
            ranked = [(pk, scores.get(pk, 0.0)) for pk in ids]
        rows = IndexedDocument.objects.only(*HIT_FIELDS).in_bulk([pk for pk, _score in ranked])
        hits = []
        for pk, score in ranked:
            row = rows[pk]
            source = "\n".join(part for part in (row.summary, row.body, row.attachments) if part)
            hits.append(
                Hit(
                    key=row.key,
                    title=row.title,
                    url=row.url,
                    snippet=text.snippet(source[:SNIPPET_SOURCE_CHARS], terms),
                    type=row.type,
                    colleges=tuple(row.colleges or ()),
                    theme=row.theme,
                    date=row.date,
                    score=float(score or 0.0),
                )
            )
        return hits

    def _suggest(self, query: SearchQuery, count: int) -> str | None:
        """The query as typed with its unknown words corrected, if that finds more.

        Only when the query finds fewer than ``suggest_below`` documents; a word is
        corrected when it was never indexed, to the closest indexed word; the correction
        is offered only when it finds more documents the reader may see.
        """
        if count >= self.suggest_below:
            return None
        words = {
            word
            for word in text.tokens(query.text)
            if word.isalpha() and len(word) >= 3 and text.normalise_word(word)
        }
        if not words:
            return None
        # Only the words of documents this reader may see: a restricted page's words (or
        # their spelling) must not reach others, nor decide which word counts as known.
        vocabulary = IndexedWord.objects.filter(acl__in=_admitted_acls(query.reader_tokens))
        known = set(vocabulary.filter(word__in=words).values_list("word", flat=True))
        replacements = {}
        for word in words - known:
            alike = self._sounding_like(vocabulary, word)
            if alike:
                replacements[word] = alike
                continue
            candidates = dict(
                vocabulary.filter(
                    length__range=(len(word) - 2, len(word) + 2), word__startswith=word[0]
                ).values_list("word", "display")[:5000]
            )
            best = text.closest(word, candidates)
            if best:
                replacements[word] = candidates[best]
        if not replacements:
            return None
        corrected = text.replace_words(query.text, replacements)
        terms = list(dict.fromkeys(text.terms(corrected)))[:MAX_QUERY_TERMS]
        if not terms:
            return None
        # "Finds more" needs count + 1 documents, not all of them: counting every document
        # of a common word (« numérique ») was most of the suggestion's cost.
        more = self._matching(query.reader_tokens, terms, query.filters).order_by()
        if len(more.values_list("pk", flat=True)[: count + 1]) > count:
            return corrected
        return None

    @staticmethod
    def _sounding_like(vocabulary: QuerySet, word: str) -> str | None:
        """The visible word that sounds like ``word`` and is closest to it, as written."""
        counts: Counter[str] = Counter()
        displays: dict[str, str] = {}
        rows = vocabulary.filter(sound=text.sound(word)[:64]).values_list(
            "word", "display", "documents"
        )
        for folded, display, documents in rows[:500]:
            counts[folded] += documents
            displays.setdefault(folded, display)
        best = text.sounds_like(word, counts)
        return displays[best] if best else None


# The fields a row takes as they are from its ``SearchDocument`` (the key never changes).
_COPIED_FIELDS = (
    "kind",
    "title",
    "summary",
    "body",
    "attachments",
    "theme",
    "territory",
    "type",
    "date",
    "year",
    "url",
    "status",
)
_UPDATED_FIELDS = [*_COPIED_FIELDS, "colleges", "authors", "fingerprint", "acl_count", "acl"]


def _insert_pairs(model: type[models.Model], column: str, rows: list[tuple[int, str]]) -> None:
    """Insert (document id, value) rows into a token or college table.

    Plain SQL: building a model instance per row was a third of a rebuild's time.
    """
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (document_id, {connection.ops.quote_name(column)}) "
            "VALUES (%s, %s)",
            rows,
        )


def _row(document: SearchDocument, pk: int | None, acl_id: int) -> IndexedDocument:
    return IndexedDocument(
        pk=pk,
        acl_id=acl_id,
        key=document.key,
        colleges=list(document.colleges),
        authors=list(document.authors),
        fingerprint=document.fingerprint(),
        acl_count=len(set(document.acl)),
        **{name: getattr(document, name) for name in _COPIED_FIELDS},
    )


# ---------------------------------------------------------------------------------------
# "Did you mean" vocabulary: per ACL, each word with the number of documents that hold it.

WordKey = tuple[str, str]  # (ACL tokens as one string, folded word)


def _acl_key(tokens: Iterable[str]) -> str:
    return " ".join(sorted(set(tokens)))


def _vocabulary(title, summary, body, attachments, theme, authors) -> dict[str, str]:
    """Words of one document worth suggesting (folded → as first written)."""
    joined = "\n".join((title, summary, body, attachments, theme, " ".join(authors or ())))
    return text.vocabulary(joined, MAX_WORDS_PER_DOCUMENT)


def _vocabulary_changes(old_ids: list[int]) -> tuple[Counter, dict[WordKey, str]]:
    """Counts to take back for the stored documents ``old_ids`` (about to change or go).

    Their vocabulary is read again from their stored text, which is what was counted.
    """
    deltas: Counter = Counter()
    if not old_ids:
        return deltas, {}
    tokens: dict[int, list[str]] = {pk: [] for pk in old_ids}
    for pk, token in IndexedToken.objects.filter(document_id__in=old_ids).values_list(
        "document_id", "token"
    ):
        tokens[pk].append(token)
    rows = IndexedDocument.objects.filter(pk__in=old_ids).values_list(
        "pk", "title", "summary", "body", "attachments", "theme", "authors"
    )
    for pk, *fields in rows:
        acl = _acl_key(tokens[pk])
        for word in _vocabulary(*fields):
            deltas[(acl, word)] -= 1
    return deltas, {}


def _acl_ids(acls: set[str]) -> dict[str, int]:
    existing = dict(IndexedWordACL.objects.filter(tokens__in=acls).values_list("tokens", "pk"))
    missing = acls - set(existing)
    if missing:
        IndexedWordACL.objects.bulk_create(
            [IndexedWordACL(tokens=acl) for acl in sorted(missing)], ignore_conflicts=True
        )
        existing = dict(IndexedWordACL.objects.filter(tokens__in=acls).values_list("tokens", "pk"))
    return existing


def _apply_word_changes(deltas: Counter, displays: dict[WordKey, str]) -> None:
    """Add ``deltas`` to the word counts; a word no document holds any more goes.

    Rows are read under a lock (PostgreSQL), so concurrent writers add up; a row two
    writers create at once keeps one count, which can only make a word go too early
    (one suggestion fewer until the next rebuild), never keep a word too long.
    """
    deltas = Counter({key: n for key, n in deltas.items() if n})
    if not deltas:
        return
    acl_ids = _acl_ids({acl for acl, _word in deltas})
    by_acl: dict[str, list[str]] = {}
    for acl, word in deltas:
        by_acl.setdefault(acl, []).append(word)
    gone: list[IndexedWord] = []
    changed: list[IndexedWord] = []
    new: list[IndexedWord] = []
    for acl, words in sorted(by_acl.items()):
        for chunk in _chunks(sorted(words), 500):
            rows = (
                IndexedWord.objects.select_for_update()
                .filter(acl_id=acl_ids[acl], word__in=chunk)
                .only("pk", "word", "documents")
            )
            seen = set()
            for row in rows:
                seen.add(row.word)
                row.documents += deltas[(acl, row.word)]
                (changed if row.documents > 0 else gone).append(row)
            for word in chunk:
                count = deltas[(acl, word)]
                if word not in seen and count > 0 and (acl, word) in displays:
                    new.append(
                        IndexedWord(
                            word=word,
                            display=displays[(acl, word)],
                            length=len(word),
                            sound=text.sound(word)[:64],
                            acl_id=acl_ids[acl],
                            documents=count,
                        )
                    )
    for chunk in _chunks([row.pk for row in gone], 500):
        IndexedWord.objects.filter(pk__in=chunk).delete()
    IndexedWord.objects.bulk_update(changed, ["documents"], batch_size=500)
    IndexedWord.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)


def _admitted_acls(reader_tokens: Iterable[str]) -> list[int]:
    """Vocabularies of documents the reader may see: every ACL token among theirs."""
    held = set(reader_tokens)
    return [
        pk
        for pk, tokens in IndexedWordACL.objects.values_list("pk", "tokens")
        if set(tokens.split()) <= held
    ]


def _visible(documents: QuerySet, reader_tokens: Iterable[str]) -> QuerySet:
    """The ACL clause: the document's ACL is one whose every token the reader holds.

    A document without an ACL row (none is ever written so) is seen by nobody.
    """
    return documents.filter(acl_id__in=_admitted_acls(reader_tokens))


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
