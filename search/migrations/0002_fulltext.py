"""The full-text table of the database store, in the form the engine at hand offers.

SQLite: an FTS5 virtual table. PostgreSQL: a tsvector table with a GIN index. Both are
keyed by ``search_indexeddocument.id`` (column ``rowid``) and hold text already
normalised by ``search.text``. No foreign key: the store deletes these rows itself and
overwrites any row left behind (so a flush of the Django tables never trips on it).
"""

from django.db import migrations

SQLITE_FORWARD = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fulltext USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 0')"
)
POSTGRESQL_FORWARD = [
    "CREATE TABLE IF NOT EXISTS search_fulltext "
    "(rowid bigint PRIMARY KEY, vector tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS search_fulltext_vector ON search_fulltext USING GIN (vector)",
]
BACKWARD = "DROP TABLE IF EXISTS search_fulltext"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": [SQLITE_FORWARD], "postgresql": POSTGRESQL_FORWARD}.get(vendor)
    if statements is None:
        raise RuntimeError(
            f"The database search store supports SQLite and PostgreSQL, not {vendor}."
        )
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
