"""Reading the values of one entry: each reader checks its value's type and limits.

A reader takes the entry, the key and the entry's JSON path, and raises ``ContentError``
naming ``path.key`` when the value is refused.
"""

from __future__ import annotations

import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.utils import timezone

from cms.content_loader.errors import ContentError

PAGE_TIME_ZONE = ZoneInfo("Europe/Paris")

# Limits of the database, checked before anything is written
MAX_JSON_DEPTH = 64
MAX_INTEGER = 2**31 - 1  # PositiveIntegerField on every database
YEARS = range(1900, 2201)
TAG_LENGTH = 100  # django-taggit's Tag.name


def check_document(data: Any) -> None:
    """Refuse what no database takes, wherever it is: NUL characters, runaway nesting.

    Walks the document without recursion, so that a file nested thousands of levels
    deep is refused with a path rather than a RecursionError.
    """
    stack: list[tuple[Any, str, int]] = [(data, "$", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ContentError(path, f"imbriqué sur plus de {MAX_JSON_DEPTH} niveaux")
        if isinstance(value, str):
            if "\x00" in value:
                raise ContentError(path, "caractère nul interdit dans un texte")
        elif isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    raise ContentError(path, "caractère nul interdit dans une clé")
                child = key if path == "$" else f"{path}.{key}"
                stack.append((item, child, depth + 1))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                stack.append((item, f"{path}[{index}]", depth + 1))


def check_keys(entry: Any, path: str, allowed: set[str], required: tuple[str, ...] = ()) -> dict:
    if not isinstance(entry, dict):
        raise ContentError(path, "un objet JSON est attendu")
    for key in entry:
        if key not in allowed:
            raise ContentError(f"{path}.{key}", "clé inconnue")
    for key in required:
        if entry.get(key) in (None, ""):
            raise ContentError(f"{path}.{key}", "valeur obligatoire")
    return entry


def read_text(
    entry: dict, key: str, path: str, default: str = "", max_length: int | None = None
) -> str:
    value = entry.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise ContentError(f"{path}.{key}", "un texte est attendu")
    if max_length is not None and len(value) > max_length:
        raise ContentError(f"{path}.{key}", f"{max_length} caractères au plus")
    return value.strip()


def read_slug(entry: dict, key: str, path: str) -> str:
    value = read_text(entry, key, path, max_length=80)
    try:
        validate_slug(value)
    except ValidationError:
        raise ContentError(
            f"{path}.{key}", f"identifiant invalide « {value} » (lettres, chiffres, tirets)"
        ) from None
    return value


def read_bool(entry: dict, key: str, path: str, default: bool) -> bool:
    value = entry.get(key, default)
    if not isinstance(value, bool):
        raise ContentError(f"{path}.{key}", "true ou false est attendu")
    return value


def read_choice(entry: dict, key: str, path: str, choices, default: str) -> str:
    value = entry.get(key, default)
    allowed = [str(choice) for choice in choices]
    if value not in allowed:
        raise ContentError(
            f"{path}.{key}", f"valeur « {value} » inconnue ; attendu : {', '.join(allowed)}"
        )
    return value


# « today+30 » or « today-7T14:00 »: a date counted in days from the day the file is loaded,
# so that demo and test meetings stay upcoming (or past) whatever the date.
_RELATIVE_DAY = re.compile(r"^today(?P<days>[+-]\d{1,5})?(?:T(?P<time>\d{2}:\d{2}))?$")


def _relative_day(value) -> tuple[datetime.date, str | None] | None:
    match = _RELATIVE_DAY.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    day = timezone.localdate(timezone=PAGE_TIME_ZONE) + datetime.timedelta(
        days=int(match["days"] or 0)
    )
    return day, match["time"]


def read_date(entry: dict, key: str, path: str) -> datetime.date | None:
    value = entry.get(key)
    if value is None:
        return None
    try:
        relative = _relative_day(value)
    except OverflowError:
        relative = (datetime.date.max, None)  # refused below with the other years
    if relative is not None and relative[1] is None:
        value = relative[0].isoformat()
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError, OverflowError):
        raise ContentError(
            f"{path}.{key}", f"date invalide « {value} » (format AAAA-MM-JJ ou today+N)"
        ) from None
    if day.year not in YEARS:
        raise ContentError(f"{path}.{key}", f"année entre {YEARS[0]} et {YEARS[-1]} attendue")
    return day


def read_datetime(entry: dict, key: str, path: str) -> datetime.datetime | None:
    value = entry.get(key)
    if value is None:
        return None
    relative = _relative_day(value)
    if relative is not None:
        value = relative[0].isoformat() + "T" + (relative[1] or "00:00")
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError, OverflowError):
        raise ContentError(
            f"{path}.{key}",
            f"date et heure invalides « {value} » (format AAAA-MM-JJTHH:MM ou today+NTHH:MM)",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PAGE_TIME_ZONE)
    if moment.year not in YEARS:
        raise ContentError(f"{path}.{key}", f"année entre {YEARS[0]} et {YEARS[-1]} attendue")
    return moment


def read_int(entry: dict, key: str, path: str) -> int | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ContentError(f"{path}.{key}", "un nombre entier positif est attendu")
    if value > MAX_INTEGER:
        raise ContentError(f"{path}.{key}", f"{MAX_INTEGER} au plus")
    return value


def read_list(entry: dict, key: str, path: str) -> list:
    value = entry.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise ContentError(f"{path}.{key}", "une liste est attendue")
    return value


def read_strings(entry: dict, key: str, path: str) -> list[str]:
    values = read_list(entry, key, path)
    for index, value in enumerate(values):
        if not isinstance(value, str) or not value.strip():
            raise ContentError(f"{path}.{key}[{index}]", "un texte non vide est attendu")
    return [value.strip() for value in values]


def read_url(entry: dict, key: str, path: str) -> str:
    value = read_text(entry, key, path)
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise ContentError(f"{path}.{key}", f"adresse web invalide « {value} »") from None
    return value
