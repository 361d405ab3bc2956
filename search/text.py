"""French text for search: one normalisation at index time and at query time.

``terms(text)`` is the whole pipeline: lowercase, split elisions (``l'évaluation``
gives ``évaluation``), fold accents and ligatures (``é`` → ``e``, ``œ`` → ``oe``),
tokenise on anything that is not a letter or a digit, drop French stop words and stem
with a light French stemmer (Savoy's, as Lucene's ``FrenchLightStemmer``). Because the
database store runs the same Python code over the documents and over the query, SQLite
FTS5 and PostgreSQL full text only ever compare already normalised terms and behave the
same in French.

``snippet(text, query_terms)`` builds the HTML excerpt shown under a hit, and
``closest(word, vocabulary)`` the "did you mean" correction of one word.
"""

from __future__ import annotations

import difflib
import html
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

from shared.text import fold_accents

ELISIONS = ("l", "d", "qu", "j", "n", "s", "c", "m", "t", "jusqu", "lorsqu", "puisqu")
APOSTROPHES = "'’ʼ‘"
# An apostrophe before a letter, then an elided article just before it (not the end of a
# longer word). Looking for the apostrophe first is 2.5 times faster than trying the
# articles at every position of the text.
_APOSTROPHE = re.compile(rf"[{APOSTROPHES}](?=[^\W_])")
_ARTICLE_AT_END = re.compile(rf"(?<=[\W_])(?:{'|'.join(ELISIONS)})\Z", re.IGNORECASE)
_LONGEST_ARTICLE = max(map(len, ELISIONS))
_WORD = re.compile(r"[^\W_]+")
# Elided articles as long as a word ("jusqu'", "lorsqu'"): never a word to suggest.
_ELIDED_WORDS = frozenset(article for article in ELISIONS if len(article) >= 3)
_SPACES = re.compile(r"\s+")
MAX_TERM_LENGTH = 64

# A compact list of French stop words, written folded (no accents), as compared.
STOP_WORDS = frozenset(
    """
    a afin ai aie au aux avec avoir c ca ce ceci cela ces cet cette ci d dans de des
    donc du elle elles en est et etaient etait ete etre eu eux il ils j je l la le les
    leur leurs lui m ma mais me meme mes moi mon n ne ni nos notre nous on ont ou par
    pas pour qu que quel quelle quelles quels qui s sa sans se ses si son sont sur t ta
    te tes toi ton tu un une vos votre vous y
    """.split()
)


# Lowercase, without accents or ligatures: ``Œuvre Évaluée`` → ``oeuvre evaluee``.
fold = fold_accents

# Words repeat (Zipf): folding and stemming each distinct word once is enough.
fold_word = lru_cache(maxsize=100_000)(fold)


def split_elisions(text: str) -> str:
    """``l'évaluation``, ``jusqu’au`` → ``évaluation``, ``au`` (the elided article goes)."""
    parts = []
    copied = 0  # text[:copied] is in parts
    for apostrophe in _APOSTROPHE.finditer(text):
        end = apostrophe.start()
        # The article and the character before it; a space stands for the text's start.
        before = (
            text[end - _LONGEST_ARTICLE - 1 : end] if end > _LONGEST_ARTICLE else " " + text[:end]
        )
        article = _ARTICLE_AT_END.search(before)
        if article is not None:
            parts.append(text[copied : end - len(article.group())])
            parts.append(" ")
            copied = apostrophe.end()
    if not parts:
        return text
    parts.append(text[copied:])
    return "".join(parts)


def _folded(text: str) -> str:
    """The text as words are cut from it, the same for documents and queries."""
    return fold(split_elisions(unicodedata.normalize("NFC", text or "")))


def tokens(text: str) -> list[str]:
    """Folded words, elisions split, stop words kept."""
    return _WORD.findall(_folded(text))


@lru_cache(maxsize=100_000)
def normalise_word(word: str) -> str:
    """The term one folded token stands for, or "" for a stop word."""
    if not word or word in STOP_WORDS or len(word) > MAX_TERM_LENGTH:
        return ""
    return stem(word) if word.isalpha() else word


def terms(text: str) -> list[str]:
    """The searchable terms of a text, in order (duplicates kept)."""
    return list(filter(None, map(normalise_word, _WORD.findall(_folded(text)))))


def index_text(*texts: str, max_bytes: int | None = None) -> str:
    """What the full-text engines store: the terms of the texts, separated by spaces.

    With ``max_bytes``, the terms stop once an estimate of the index entry's size (each new
    term its bytes plus 8, each repeat 2, as in a PostgreSQL tsvector) would exceed it.
    """
    kept: list[str] = []
    seen: set[str] = set()
    used = 0
    for text in texts:
        found = terms(text)
        if max_bytes is None:
            kept.extend(found)
            continue
        new = set(found) - seen
        cost = len("".join(new).encode()) + 8 * len(new) + 2 * (len(found) - len(new))
        if used + cost <= max_bytes:  # the whole text fits: no need to count term by term
            kept.extend(found)
            seen |= new
            used += cost
            continue
        for term in found:
            cost = 2 if term in seen else len(term.encode()) + 8
            if used + cost > max_bytes:
                return " ".join(kept)
            used += cost
            seen.add(term)
            kept.append(term)
    return " ".join(kept)


# --- Savoy's light French stemmer ------------------------------------------------------
#
# The rules of Lucene's FrenchLightStemmer, applied to folded words: its accented
# suffixes (``ième``, ``ère``, ``ète``) are written here without accents, and the accent
# folding of its ``norm`` step has already happened.


class _Rule(NamedTuple):
    """Words longer than ``longer_than`` that end with ``suffix`` end with ``replacement``
    instead; then, unless ``goes_on``, the word is stemmed. ``then`` is a rule tried once
    on the result only."""

    longer_than: int
    suffix: str
    replacement: str
    goes_on: bool = False
    then: _Rule | None = None

    def applies(self, s: str) -> bool:
        return len(s) > self.longer_than and s.endswith(self.suffix)

    def apply(self, s: str) -> str:
        s = s[: len(s) - len(self.suffix)] + self.replacement
        return self.then.apply(s) if self.then and self.then.applies(s) else s


# Lucene's rules, in its order: the first that applies and does not go on ends the stemming.
_SUFFIX_RULES = (
    _Rule(9, "issement", "ir"),  # finissement → finir
    _Rule(8, "issant", "ir"),
    _Rule(6, "ement", "e", then=_Rule(3, "ive", "if")),
    _Rule(11, "ficatrice", "fier"),
    _Rule(10, "ficateur", "fier"),
    _Rule(9, "catrice", "quer"),
    _Rule(8, "cateur", "quer"),
    _Rule(8, "atrice", "er"),
    _Rule(7, "ateur", "er"),
    _Rule(6, "trice", "teur", goes_on=True),
    _Rule(5, "ieme", ""),  # deuxième → deux
    _Rule(7, "teuse", "ter"),
    _Rule(6, "teur", "ter"),
    _Rule(5, "euse", "eu"),
    _Rule(8, "ere", "er"),
    _Rule(7, "ive", "if"),
    _Rule(4, "folle", "fou"),
    _Rule(4, "molle", "mou"),
    _Rule(9, "nnelle", "n"),
    _Rule(9, "nnel", "n"),
    _Rule(4, "ete", "et", goes_on=True),
    _Rule(8, "ique", "", goes_on=True),
    _Rule(8, "esse", "e"),
    _Rule(7, "inage", "in"),
    _Rule(9, "isation", "", then=_Rule(5, "ual", "uel")),
    _Rule(9, "isateur", ""),
    _Rule(8, "ation", ""),
    _Rule(8, "ition", ""),
)


def stem(word: str) -> str:
    """``préconisations`` and ``preconisation`` → ``precon``; ``sociaux`` → ``social``."""
    s = word
    if len(s) > 5 and s[-1] == "x":
        if s[-3] == "a" and s[-2] == "u" and s[-4] != "e":
            s = s[:-2] + "l"  # chevaux → cheval
        else:
            s = s[:-1]
    if len(s) > 3 and s[-1] == "x":
        s = s[:-1]
    if len(s) > 3 and s[-1] == "s":
        s = s[:-1]
    for rule in _SUFFIX_RULES:
        if rule.applies(s):
            s = rule.apply(s)
            if not rule.goes_on:
                break
    return _norm(list(s))


def _norm(s: list[str]) -> str:
    if len(s) > 4:
        collapsed = [s[0]]
        for char in s[1:]:  # doubled letters: "nn" → "n"
            if not (char == collapsed[-1] and char.isalpha()):
                collapsed.append(char)
        s = collapsed
    if len(s) > 4 and s[-2:] == ["i", "e"]:
        s = s[:-2]
    if len(s) > 4:
        if s[-1] == "r":
            s = s[:-1]
        if s[-1] == "e":
            s = s[:-1]
        if s[-1] == "e":
            s = s[:-1]
        if s[-1] == s[-2] and s[-1].isalpha():
            s = s[:-1]
    return "".join(s)


# --- Snippets --------------------------------------------------------------------------

SNIPPET_WORDS = 30


def _words(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, term) for each word of an original text; term is "" for stop words."""
    for match in _WORD.finditer(text):
        folded = fold_word(match.group())
        term = normalise_word(folded) if _WORD.fullmatch(folded) else ""
        yield match.start(), match.end(), term


def snippet(text: str, query_terms: Iterable[str], words: int = SNIPPET_WORDS) -> str:
    """An HTML excerpt of about ``words`` words around the best-matching window.

    The text is escaped; the words whose term is among ``query_terms`` (terms as given by
    ``terms()``) are wrapped in ``<mark>…</mark>``. Without any match, the excerpt is the
    beginning of the text. An ellipsis marks text cut before or after the excerpt.
    """
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()
    wanted = set(query_terms)
    found = list(_words(text))
    if not found:
        return html.escape(text[:300])
    matches = [i for i, (_, _, term) in enumerate(found) if term and term in wanted]
    start = 0
    if matches:
        lead = words // 5  # a little context before the first match of the window

        def quality(first: int) -> tuple[int, int, int]:
            inside = [i for i in matches if first <= i < first + words]
            return len({found[i][2] for i in inside}), len(inside), -first

        start = max((max(0, i - lead) for i in matches), key=quality)
        start = max(0, min(start, len(found) - words))
    end = min(len(found), start + words)
    marked = set(matches)

    parts = ["… " if start > 0 else ""]
    cursor = found[start][0] if start > 0 else 0
    for i in range(start, end):
        word_start, word_end, _ = found[i]
        parts.append(html.escape(text[cursor:word_start]))
        word = html.escape(text[word_start:word_end])
        parts.append(f"<mark>{word}</mark>" if i in marked else word)
        cursor = word_end
    if end < len(found):
        parts.append(" …")
    else:
        parts.append(html.escape(text[cursor:]))
    return "".join(parts)


# --- Suggestions -----------------------------------------------------------------------


def vocabulary(text: str, limit: int | None = None) -> dict[str, str]:
    """The words of a text worth suggesting: folded word → the word as first written.

    Only alphabetic words of 3 to 64 letters that are not stop words; the first ``limit``
    of them, if given.
    """
    words: dict[str, str] = {}
    # Each distinct word once, in the order first met (a document repeats most of its
    # words). The apostrophe ends a word, so an elided article is a word of its own here:
    # too short to count, or one of ``_ELIDED_WORDS`` (cheaper than ``split_elisions``).
    for word in dict.fromkeys(_WORD.findall(unicodedata.normalize("NFC", text or ""))):
        if limit is not None and len(words) >= limit:
            break
        entry = _suggestable(word)
        if entry is not None and entry[0] not in words:
            words[entry[0]] = entry[1]
    return words


@lru_cache(maxsize=100_000)
def _suggestable(word: str) -> tuple[str, str] | None:
    """(folded, as written in lowercase) for a word worth suggesting, else None."""
    written = word.lower()
    folded = fold(written)
    if (
        folded.isalpha()
        and 3 <= len(folded) <= MAX_TERM_LENGTH
        and len(written) <= MAX_TERM_LENGTH
        and folded not in STOP_WORDS
        and folded not in _ELIDED_WORDS
    ):
        return folded, written
    return None


def closest(word: str, vocabulary: Iterable[str], cutoff: float = 0.75) -> str | None:
    """The vocabulary word nearest to ``word`` (both compared folded), or None.

    ``vocabulary`` holds folded words, as ``fold()`` gives them.
    """
    folded = fold(word)
    candidates = [candidate for candidate in vocabulary if candidate != folded]
    matches = difflib.get_close_matches(folded, candidates, n=1, cutoff=cutoff)
    return matches[0] if matches else None


def replace_words(query: str, replacements: dict[str, str]) -> str:
    """The query as typed, each word whose folded form is a key replaced by its value."""

    def swap(match: re.Match) -> str:
        return replacements.get(fold(match.group()), match.group())

    return _WORD.sub(swap, unicodedata.normalize("NFC", query))


# --- Sounds: a French phonetic key -----------------------------------------------------
#
# Two spellings of one sound get one key: « numérique » and « numerik » → ``numerik``,
# « zéphyrine » and « zefirine » → ``zefirin``. Our own small set of rules (no plugin, no
# library), applied to folded words, so that both stores compute the same key.

_SOUND_RULES = (
    (re.compile(r"ph"), "f"),
    (re.compile(r"(?:qu|q|ck|cq)"), "k"),
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"ch"), "#"),  # kept apart from « c » and from a silent « h »
    (re.compile(r"sh"), "#"),
    (re.compile(r"c"), "k"),
    (re.compile(r"gu(?=[eiy])"), "g"),
    (re.compile(r"g(?=[eiy])"), "j"),
    (re.compile(r"h"), ""),
    (re.compile(r"y"), "i"),
    (re.compile(r"w"), "v"),
    (re.compile(r"tion"), "sion"),
    (re.compile(r"(?:eaux|eau|aux|au)"), "o"),
    (re.compile(r"(?:ai|ei)"), "e"),
    (re.compile(r"(?:en|em|am)(?=[^aeiouy]|$)"), "an"),
    (re.compile(r"(?:er|ez|et)$"), "e"),
    (re.compile(r"(.)\1+"), r"\1"),  # doubled letters
    (re.compile(r"(?<=.)[stdxpz]+$"), ""),  # silent final letters
    (re.compile(r"(?<=..)e$"), ""),  # silent final « e »
)


@lru_cache(maxsize=100_000)
def sound(word: str) -> str:
    """The phonetic key of one word (folded first): equal keys, words that sound alike."""
    key = fold(word)
    for pattern, replacement in _SOUND_RULES:
        key = pattern.sub(replacement, key)
    return key


def edit_distance(first: str, second: str) -> int:
    """Levenshtein distance: the fewest letters to insert, delete or change."""
    if len(first) < len(second):
        first, second = second, first
    previous = list(range(len(second) + 1))
    for i, a in enumerate(first, 1):
        current = [i]
        for j, b in enumerate(second, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1]


def sounds_like(word: str, candidates: dict[str, int]) -> str | None:
    """Among ``candidates`` (folded word → documents holding it), the one closest to
    ``word`` among those that sound like it: fewest edits, then most documents."""
    folded = fold(word)
    key = sound(folded)
    alike = [c for c in candidates if c != folded and sound(c) == key]
    if not alike:
        return None
    return min(alike, key=lambda c: (edit_distance(folded, c), -candidates[c], c))
