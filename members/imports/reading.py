"""Read an uploaded CSV or XLSX file into a table of text cells, with file-level checks."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from shared.text import fold_accents

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# A members table has about fifteen columns; a spreadsheet is a zip that can unpack to
# hundreds of times its size, so both are bounded before any row is read.
MAX_COLUMNS = 50
MAX_XLSX_UNPACKED_BYTES = 30 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


class ImportRefused(Exception):
    """The file cannot be read at all (format, size, encoding): one message for the user."""


@dataclass
class Table:
    """Header names (normalised) and data rows; ``lines`` holds each row's line in the file."""

    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"headers": self.headers, "rows": self.rows, "lines": self.lines}

    @classmethod
    def from_dict(cls, data: dict) -> Table:
        return cls(
            headers=[str(h) for h in data["headers"]],
            rows=[[str(cell) for cell in row] for row in data["rows"]],
            lines=[int(line) for line in data["lines"]],
        )


def normalise_header(name: str) -> str:
    """« Prénom » and « prenom » name the same column: lower case, no accents or spaces."""
    return fold_accents(str(name or "")).strip().replace(" ", "_")


def read_table(
    content: bytes, filename: str, max_bytes: int = MAX_UPLOAD_BYTES, max_rows: int = MAX_ROWS
) -> Table:
    """Read a CSV (UTF-8, ``;`` or ``,``) or XLSX file; raise ``ImportRefused`` if unreadable."""
    if len(content) > max_bytes:
        raise ImportRefused(
            f"Le fichier est trop volumineux ({len(content) // 1024} Ko) : "
            f"la limite est de {max_bytes // 1024} Ko."
        )
    if not content.strip():
        raise ImportRefused("Le fichier est vide.")
    name = (filename or "").lower()
    if content.startswith(XLSX_MAGIC) or name.endswith(".xlsx"):
        records = _xlsx_records(content)
    elif name.endswith((".csv", ".txt")):
        records = _csv_records(content)
    else:
        raise ImportRefused(
            "Format non pris en charge : envoyez un fichier CSV (.csv) ou Excel (.xlsx)."
        )
    return _table(records, max_rows)


def _table(records, max_rows: int) -> Table:
    table = None
    for line, cells in records:
        if len(cells) > MAX_COLUMNS:
            cells = list(cells)
            if any(_text(cell) for cell in cells[MAX_COLUMNS:]):
                raise ImportRefused(
                    f"La ligne {line} compte plus de {MAX_COLUMNS} colonnes : "
                    "un fichier de membres n'en a qu'une quinzaine."
                )
            cells = cells[:MAX_COLUMNS]
        cells = [_text(cell) for cell in cells]
        if not any(cells):
            continue  # blank lines, often left at the end of a spreadsheet
        if table is None:
            table = Table(headers=[normalise_header(cell) for cell in cells])
            continue
        if len(table.rows) >= max_rows:
            raise ImportRefused(
                f"Le fichier compte plus de {max_rows} lignes : découpez-le en plusieurs fichiers."
            )
        table.rows.append(cells)
        table.lines.append(line)
    if table is None:
        raise ImportRefused("Le fichier ne contient aucune ligne d'en-tête.")
    return table


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed in a spreadsheet cell
    return str(value).strip()


def _csv_records(content: bytes):
    if b"\x00" in content:
        raise ImportRefused("Le fichier n'est pas un fichier texte CSV lisible.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            "Le fichier n'est pas encodé en UTF-8 : dans votre tableur, enregistrez-le "
            "au format « CSV UTF-8 »."
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        # Number records as a spreadsheet does (header = line 1), whatever quoted newlines hold.
        yield from ((number, row) for number, row in enumerate(reader, start=1))
    except csv.Error as error:
        raise ImportRefused(f"Le fichier CSV est mal formé ({error}).") from None


def _delimiter(text: str) -> str:
    sample = text[:4096]
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,").delimiter
    except csv.Error:
        first_line = sample.splitlines()[0] if sample else ""
        return ";" if first_line.count(";") >= first_line.count(",") else ","


def _xlsx_records(content: bytes):
    """Rows of the first sheet, read lazily so that the row limit stops a huge sheet early."""
    from openpyxl import load_workbook

    _check_unpacked_size(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of errors on broken files
        raise ImportRefused(UNREADABLE_XLSX) from None
    try:
        sheet = workbook.worksheets[0]
        if (sheet.max_column or 0) > MAX_COLUMNS:
            raise ImportRefused(
                f"La feuille compte {sheet.max_column} colonnes : un fichier de membres "
                f"en a une quinzaine ({MAX_COLUMNS} au plus)."
            )
        # max_col: a sheet whose declared size lies still yields short rows.
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)
        yield from enumerate(rows, start=1)
    except ImportRefused:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of errors on broken files
        raise ImportRefused(UNREADABLE_XLSX) from None
    finally:
        workbook.close()


UNREADABLE_XLSX = "Le fichier Excel est illisible : enregistrez-le au format .xlsx et réessayez."


def _check_unpacked_size(content: bytes) -> None:
    """Refuse a spreadsheet that would unpack to more than any members table needs."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportRefused(UNREADABLE_XLSX) from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise ImportRefused(
            f"Le fichier Excel décompressé pèse {unpacked // (1024 * 1024)} Mo : "
            f"la limite est de {MAX_XLSX_UNPACKED_BYTES // (1024 * 1024)} Mo. "
            "Enregistrez seulement le tableau des membres, sans autres feuilles."
        )
