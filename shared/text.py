"""Text helpers every layer may use: they know nothing of the apps."""

from __future__ import annotations

import re
import unicodedata

# The combining marks of the Basic Multilingual Plane, removed in one regex pass (a
# character-by-character test was most of the cost of indexing a text).
_COMBINING = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in range(0x10000) if unicodedata.combining(chr(c))) + "]"
)

_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")


def fold_accents(text: str) -> str:
    """Lower case without accents or ligatures: « Œuvre Évaluée » → « oeuvre evaluee ».

    How words are compared, sorted and indexed whether or not they were written with
    their accents (case folded, so « Straße » matches « strasse »).
    """
    text = text.casefold().replace("œ", "oe").replace("æ", "ae")
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    if _BEYOND_BMP.search(decomposed):  # marks beyond the BMP: the slow, complete way
        stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    else:
        stripped = _COMBINING.sub("", decomposed)
    # Compatibility decomposition may give capitals back (« ℡ » gives « TEL »).
    return stripped.casefold()
