"""StreamField values with stable block ids, so that loading twice changes nothing."""

from __future__ import annotations

import uuid
from typing import Any

BLOCK_ID_NAMESPACE = uuid.UUID("6f1c8b52-6a55-4f0e-9a8e-3c1d2b7f4a10")


def block_id(page_path: str, field: str, key: int | str) -> str:
    """The same id for the same page, field and position (or article key) on every load."""
    return str(uuid.uuid5(BLOCK_ID_NAMESPACE, f"{page_path}#{field}#{key}"))


def stream(page_path: str, field: str, items: list[tuple[str, Any]]) -> list[dict]:
    return [
        {"type": block_type, "value": value, "id": block_id(page_path, field, index)}
        for index, (block_type, value) in enumerate(items)
    ]
