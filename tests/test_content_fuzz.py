"""Bounded fuzzing of the content loader: mutated files are loaded or refused, never crash.

Each mutation replaces one value of a content document (a subset of the demo) with an
odd one: wrong types, huge integers, NUL characters, overlong texts, impossible dates,
deep nesting. The loader must either load it or refuse it with a ContentError, and a
refused file must leave the database exactly as it was.
"""

from __future__ import annotations

import json
import random

import pytest
from django.db import transaction

from cms.content_loader import ContentError, ContentLoader
from tests.conftest import DEMO_CONTENT
from tests.test_content_loader import snapshot

SEED = 20261201
MUTATIONS = 40
ODD_VALUES = [
    None, True, -1, 0, 2**31, 2**63, 1.5, "", " ", "\x00", "a\x00b", "x" * 5000, "é" * 300,
    [], {}, [[[[]]]], {"inconnu": 1}, "2020-02-30", "0001-01-01T00:00+05:00",
    "9999-12-31T23:59-05:00", "today+99999", "../../etc/passwd", "<script>alert(1)</script>",
]  # fmt: skip


def demo_subset() -> dict:
    """The demo's people, and its first convention with a few pages of each kind."""
    demo = json.loads(DEMO_CONTENT.read_text(encoding="utf-8"))
    convention = demo["pages"][0]
    children = []
    for child in convention.get("children", []):
        child = dict(child)
        child["children"] = child.get("children", [])[:2]
        for grandchild in child["children"]:
            grandchild["children"] = grandchild.get("children", [])[:1]
        children.append(child)
    return {
        "colleges": demo["colleges"],
        "territories": demo["territories"],
        "organisations": demo["organisations"],
        "users": demo["users"],
        "pages": [{**convention, "children": children}],
    }


def paths(value, prefix=()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def mutated(data: dict, rng: random.Random) -> tuple[dict, str]:
    copy = json.loads(json.dumps(data))
    path = rng.choice(paths(copy))
    target = copy
    for key in path[:-1]:
        target = target[key]
    value = rng.choice(ODD_VALUES)
    target[path[-1]] = value
    return copy, f"{'.'.join(map(str, path))} = {value!r:.60}"


@pytest.mark.django_db
def test_mutated_content_files_are_loaded_or_refused_never_crash():
    data = demo_subset()
    ContentLoader(data).load()
    rng = random.Random(SEED)
    crashes = []
    before = snapshot()  # each mutation is rolled back: the same state before every one
    for _ in range(MUTATIONS):
        candidate, change = mutated(data, rng)
        try:
            with transaction.atomic():
                ContentLoader(candidate).load()
                transaction.set_rollback(True)  # keep each mutation apart from the next
        except ContentError:
            if snapshot() != before:
                crashes.append(f"{change}: refused but the database changed")
        except Exception as error:  # noqa: BLE001 - what this test is looking for
            crashes.append(f"{change}: {type(error).__name__}: {error}")
    assert not crashes, "\n".join(crashes)
