"""``<id:…>``: the path converter for database ids in the project's URLs.

Django's ``<int:…>`` takes any number of digits. A page id beyond what the database
stores then crashes the query (SQLite raises ``OverflowError`` on a lookup through a
page type's ``page_ptr``, which Django does not bound the way it bounds plain integer
fields), a 500 where a missing object should be a 404. Eighteen digits stay below
2**63 on every database: a longer number simply matches no URL (404).
"""

from __future__ import annotations

from django.urls import register_converter

MAX_ID_DIGITS = 18


class IdConverter:
    regex = rf"[0-9]{{1,{MAX_ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


def is_storable_id(value: int) -> bool:
    """True when ``value`` can be looked up as an id (for URLs still using ``<int:…>``)."""
    return 0 <= value < 10**MAX_ID_DIGITS


register_converter(IdConverter, "id")
