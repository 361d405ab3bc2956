"""What changed between two texts of the règlement, article by article.

Pure logic, no database: a text is an introduction and a list of articles (title, rich
text body, and the StreamField block id when known). Articles are matched

1. by block id, when both sides carry the same one (an article edited in Wagtail keeps it);
2. else by title (case, accents and spacing aside);
3. else by order: a leftover article is paired with the next leftover one of the other
   text when their words are mostly the same (a renamed article), so that two unrelated
   articles are never shown as one "changed" article.

Inside a changed article the words are compared (``difflib``), paragraph by paragraph.
Formatting alone (bold, links) is not a change: the words are compared, not the markup.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from html.parser import HTMLParser

from shared.text import fold_accents

# Below this share of common words, two leftover articles are not "the same article".
SAME_ARTICLE_RATIO = 0.5

_BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "br", "blockquote",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr",
}  # fmt: skip
_TOKEN = re.compile(r"\w+|[^\w\s]|\s+")


@dataclass(frozen=True)
class Article:
    title: str
    body: str  # rich text HTML, as stored
    key: str = ""  # StreamField block id, "" when unknown


@dataclass(frozen=True)
class Text:
    intro: str = ""
    articles: tuple[Article, ...] = ()

    @classmethod
    def from_snapshot(cls, intro: str, articles: Iterable[dict]) -> Text:
        """From the stored form: ``[{"id", "title", "body"}, ...]``."""
        return cls(
            intro or "",
            tuple(
                Article(
                    title=str(item.get("title", "")),
                    body=str(item.get("body", "")),
                    key=str(item.get("id") or ""),
                )
                for item in articles
            ),
        )


class Change(enum.StrEnum):
    EQUAL = "equal"
    INSERT = "insert"
    DELETE = "delete"


@dataclass(frozen=True)
class Segment:
    kind: Change
    text: str


Paragraph = tuple[Segment, ...]


class Status(enum.StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ArticleDiff:
    status: Status
    old: Article | None
    new: Article | None
    old_number: int | None
    new_number: int | None
    title: Paragraph
    body: tuple[Paragraph, ...]

    @property
    def title_changed(self) -> bool:
        return self.status == Status.CHANGED and any(s.kind != Change.EQUAL for s in self.title)

    @property
    def renumbered(self) -> bool:
        return self.old_number is not None and self.old_number != self.new_number


@dataclass(frozen=True)
class Group:
    """Consecutive articles shown together: changes, or a run of unchanged ones to collapse."""

    unchanged: bool
    articles: tuple[ArticleDiff, ...]


def _articles_counted(status: Status) -> property:
    """A property of a ``TextDiff``: how many of its articles have this status."""
    return property(lambda diff: diff.count(status))


@dataclass(frozen=True)
class TextDiff:
    intro: tuple[Paragraph, ...]
    intro_changed: bool
    articles: tuple[ArticleDiff, ...] = field(default_factory=tuple)

    def count(self, status: Status) -> int:
        return sum(1 for article in self.articles if article.status == status)

    added = _articles_counted(Status.ADDED)
    removed = _articles_counted(Status.REMOVED)
    changed = _articles_counted(Status.CHANGED)
    unchanged = _articles_counted(Status.UNCHANGED)

    @property
    def has_changes(self) -> bool:
        return self.intro_changed or len(self.articles) != self.unchanged

    def groups(self) -> list[Group]:
        groups: list[Group] = []
        for article in self.articles:
            unchanged = article.status == Status.UNCHANGED
            if groups and groups[-1].unchanged == unchanged:
                groups[-1] = Group(unchanged, groups[-1].articles + (article,))
            else:
                groups.append(Group(unchanged, (article,)))
        return groups


# ---------------------------------------------------------------------------
# Text out of rich text


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.paragraphs.append(text)
        self._current = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        self._current.append(data)


def html_paragraphs(html: str) -> list[str]:
    """The text of rich text HTML, one string per paragraph or list item."""
    parser = _TextExtractor()
    parser.feed(html or "")
    parser.close()
    parser._flush()
    return parser.paragraphs


def normalised(text: str) -> str:
    """For matching titles: no case, no accents, single spaces."""
    return " ".join(fold_accents(text).split())


# ---------------------------------------------------------------------------
# Words


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _merged_opcodes(old: list[str], new: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes, where a lone space between two changes joins them (easier to read)."""
    opcodes = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    merged: list[tuple[str, int, int, int, int]] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        between_changes = 0 < index < len(opcodes) - 1
        if tag == "equal" and between_changes and "".join(old[i1:i2]).isspace():
            tag = "replace"
        if tag != "equal" and merged and merged[-1][0] != "equal":
            _previous, p1, _p2, q1, _q2 = merged[-1]
            merged[-1] = ("replace", p1, i2, q1, j2)
        else:
            merged.append((tag, i1, i2, j1, j2))
    return merged


def _compact(segments: Iterable[Segment]) -> Paragraph:
    out: list[Segment] = []
    for segment in segments:
        if not segment.text:
            continue
        if out and out[-1].kind == segment.kind:
            out[-1] = Segment(segment.kind, out[-1].text + segment.text)
        else:
            out.append(segment)
    return tuple(out)


def word_diff(old: str, new: str) -> Paragraph:
    """Segments of ``new`` with what ``old`` had instead: equal, deleted, inserted words."""
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in _merged_opcodes(old_tokens, new_tokens):
        if tag == "equal":
            segments.append(Segment(Change.EQUAL, "".join(new_tokens[j1:j2])))
            continue
        segments.append(Segment(Change.DELETE, "".join(old_tokens[i1:i2])))
        segments.append(Segment(Change.INSERT, "".join(new_tokens[j1:j2])))
    return _compact(segments)


def paragraphs_diff(old: Sequence[str], new: Sequence[str]) -> tuple[Paragraph, ...]:
    """Paragraphs compared as units, and words inside paragraphs that were rewritten."""
    out: list[Paragraph] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend((Segment(Change.EQUAL, text),) for text in new[j1:j2])
            continue
        olds, news = list(old[i1:i2]), list(new[j1:j2])
        for index in range(max(len(olds), len(news))):
            before = olds[index] if index < len(olds) else ""
            after = news[index] if index < len(news) else ""
            if before and after:
                out.append(word_diff(before, after))
            elif before:
                out.append((Segment(Change.DELETE, before),))
            else:
                out.append((Segment(Change.INSERT, after),))
    return tuple(out)


def _unchanged(paragraphs: Sequence[str]) -> tuple[Paragraph, ...]:
    return tuple((Segment(Change.EQUAL, text),) for text in paragraphs)


# ---------------------------------------------------------------------------
# Articles


def _words(article: Article) -> list[str]:
    return _tokens(" ".join([article.title, *html_paragraphs(article.body)]))


def similarity(old: Article, new: Article) -> float:
    return SequenceMatcher(None, _words(old), _words(new), autojunk=False).ratio()


def match_articles(old: Sequence[Article], new: Sequence[Article]) -> dict[int, int]:
    """Pairs ``{new index: old index}`` of the articles that are the same article."""
    pairs: dict[int, int] = {}
    old_by_key = {article.key: index for index, article in enumerate(old) if article.key}
    for index, article in enumerate(new):
        if article.key and article.key in old_by_key:
            pairs[index] = old_by_key[article.key]

    taken = set(pairs.values())
    old_by_title: dict[str, int] = {}
    for index, article in enumerate(old):
        if index not in taken:
            old_by_title.setdefault(normalised(article.title), index)
    for index, article in enumerate(new):
        if index in pairs:
            continue
        match = old_by_title.pop(normalised(article.title), None)
        if match is not None:
            pairs[index] = match

    # By order: each leftover new article may take a later leftover old one.
    taken = set(pairs.values())
    leftovers = [index for index in range(len(old)) if index not in taken]
    floor = -1
    for index, article in enumerate(new):
        if index in pairs:
            floor = max(floor, pairs[index])
            continue
        for candidate in leftovers:
            if candidate > floor and similarity(old[candidate], article) >= SAME_ARTICLE_RATIO:
                pairs[index] = candidate
                leftovers.remove(candidate)
                floor = candidate
                break
    return pairs


def _article_diff(
    old: Article | None, new: Article | None, old_number: int | None, new_number: int | None
) -> ArticleDiff:
    if old is None:
        assert new is not None  # an article is on one side at least
        return ArticleDiff(
            Status.ADDED, None, new, None, new_number,
            (Segment(Change.INSERT, new.title),),
            tuple((Segment(Change.INSERT, p),) for p in html_paragraphs(new.body)),
        )  # fmt: skip
    if new is None:
        return ArticleDiff(
            Status.REMOVED, old, None, old_number, None,
            (Segment(Change.DELETE, old.title),),
            tuple((Segment(Change.DELETE, p),) for p in html_paragraphs(old.body)),
        )  # fmt: skip
    old_paragraphs, new_paragraphs = html_paragraphs(old.body), html_paragraphs(new.body)
    same_title = " ".join(old.title.split()) == " ".join(new.title.split())
    if same_title and old_paragraphs == new_paragraphs:
        return ArticleDiff(
            Status.UNCHANGED, old, new, old_number, new_number,
            (Segment(Change.EQUAL, new.title),), _unchanged(new_paragraphs),
        )  # fmt: skip
    return ArticleDiff(
        Status.CHANGED, old, new, old_number, new_number,
        word_diff(old.title, new.title), paragraphs_diff(old_paragraphs, new_paragraphs),
    )  # fmt: skip


def compare(old: Text, new: Text) -> TextDiff:
    """The article-by-article difference from ``old`` to ``new``, in the new text's order.

    A removed article is shown where it stood: after the articles that preceded it, and
    before an article added at its place.
    """
    pairs = match_articles(old.articles, new.articles)
    matched_old = set(pairs.values())
    shown_old: set[int] = set()
    articles: list[ArticleDiff] = []

    def removed_up_to(limit: int) -> None:
        for index in range(limit):
            if index not in matched_old and index not in shown_old:
                shown_old.add(index)
                articles.append(_article_diff(old.articles[index], None, index + 1, None))

    # For each position, the old index of the next matched article: a removed article
    # may be shown before an added one, but never past the article that followed it.
    next_matched = [len(old.articles)] * (len(new.articles) + 1)
    for index in range(len(new.articles) - 1, -1, -1):
        next_matched[index] = pairs.get(index, next_matched[index + 1])

    for index, article in enumerate(new.articles):
        old_index = pairs.get(index)
        if old_index is not None:
            removed_up_to(old_index)
            articles.append(
                _article_diff(old.articles[old_index], article, old_index + 1, index + 1)
            )
        else:
            removed_up_to(min(index + 1, next_matched[index]))
            articles.append(_article_diff(None, article, None, index + 1))
    removed_up_to(len(old.articles))

    old_intro, new_intro = html_paragraphs(old.intro), html_paragraphs(new.intro)
    if old_intro == new_intro:
        return TextDiff(_unchanged(new_intro), False, tuple(articles))
    return TextDiff(paragraphs_diff(old_intro, new_intro), True, tuple(articles))
