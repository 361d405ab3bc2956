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


def _xlsx_cell(value: object) -> object:
    # Numbers stay numbers (they cannot be formulas); every text goes through safe_cell,
    # since openpyxl stores a text starting with "=" as a formula.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return safe_cell(value)


def xlsx_bytes(header: list[str], rows: Iterable[Iterable[object]], title: str) -> bytes:
    """One sheet named ``title``: a header row kept in view, then the rows, formula-safe."""
    # Deferred: openpyxl takes a moment to import and only XLSX downloads need it.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    # A sheet name holds at most 31 characters, none of []:*?/\ .
    sheet.title = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Feuille"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([_xlsx_cell(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
