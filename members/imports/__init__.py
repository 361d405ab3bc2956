"""Import members from a CSV or XLSX file: read, check every row, then write all or nothing.

Used by the admin (upload, preview, confirm) and by ``manage.py import_members``.
"""

from __future__ import annotations

from members.imports.reading import (
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    ImportRefused,
    Table,
    read_table,
)
from members.imports.rows import (
    COLUMNS,
    REQUIRED_COLUMNS,
    ImportPlan,
    MemberRow,
    Progress,
    RowError,
    validate_table,
)
from members.imports.writing import PlanHasErrors, apply_plan

__all__ = [
    "COLUMNS",
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "REQUIRED_COLUMNS",
    "ImportPlan",
    "ImportRefused",
    "MemberRow",
    "PlanHasErrors",
    "Progress",
    "RowError",
    "Table",
    "apply_plan",
    "plan_file",
    "read_table",
    "validate_table",
]


def plan_file(
    content: bytes,
    filename: str,
    progress: Progress | None = None,
    importer=None,
    **limits,
) -> tuple[Table | None, ImportPlan]:
    """Read and check a file; an unreadable file gives a plan with one error and no table.

    ``importer`` is the user importing (None from the command line): accounts that
    outrank them are refused.
    """
    try:
        table = read_table(content, filename, **limits)
    except ImportRefused as refusal:
        return None, ImportPlan(errors=[RowError(None, None, str(refusal))])
    return table, validate_table(table, progress, importer)
