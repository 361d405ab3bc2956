"""CSV files that open right in the spreadsheets French users have, and run nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

# A cell starting with one of these would run as a formula when the file is opened.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The value as text, with a leading apostrophe when a spreadsheet would compute it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(header: list[str], rows: Iterable[Iterable[object]]) -> bytes:
    """Semicolon-separated (French spreadsheets' default), CRLF, UTF-8 with a BOM.

    The byte order mark tells spreadsheets the file is UTF-8, so accents show right.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
