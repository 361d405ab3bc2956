"""What a request asks the database: its SQL, and how many statements read a given thing."""

from __future__ import annotations

from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext


def get_with_sql(client: Client, path: str, **headers: str) -> tuple[HttpResponse, list[str]]:
    """The response to ``GET path`` and the SQL of every statement it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    return response, [query["sql"] for query in queries.captured_queries]


def reads(statements: list[str], *markers: str) -> int:
    """How many statements contain every one of ``markers``."""
    return sum(all(marker in sql for marker in markers) for sql in statements)
