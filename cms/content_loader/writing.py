"""Writing only what changed, after checking that every text fits its column."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import models

from cms.content_loader.errors import ContentError


def check_lengths(instance: models.Model, path: str) -> None:
    """Every text fits its column (PostgreSQL refuses what SQLite would store)."""
    for field in instance._meta.concrete_fields:
        limit = getattr(field, "max_length", None)
        value = getattr(instance, field.attname, None)
        if limit and isinstance(value, str) and len(value) > limit:
            raise ContentError(f"{path}.{field.name}", f"{limit} caractères au plus")


def differs(current: Any, wanted: Any) -> bool:
    return current != wanted


def upsert(
    model: type[models.Model],
    lookup: dict,
    values: dict,
    counter: Counter,
    label: str,
    path: str = "$",
):
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        check_lengths(instance, path)
        instance.save()
        counter[f"{label} créé(s)"] += 1
        return instance
    changed = [field for field, value in values.items() if differs(getattr(instance, field), value)]
    if changed:
        for field in changed:
            setattr(instance, field, values[field])
        check_lengths(instance, path)
        instance.save()
        counter[f"{label} mis à jour"] += 1
    return instance
