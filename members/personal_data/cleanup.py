"""Personal data the features keep on their own, forgotten by ``anonymise_former_members``.

``members`` sits below the features and imports none of them: a feature that keeps
personal data for a limited time registers, in its ``wagtail_hooks.py``, a function for
``PERSONAL_DATA_CLEANUP_HOOK`` that returns a :class:`Cleanup`; the daily command counts
(``--dry-run``) or deletes what each one names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wagtail import hooks

PERSONAL_DATA_CLEANUP_HOOK = "register_personal_data_cleanup"


@dataclass(frozen=True)
class Cleanup:
    """What is deleted (a plural label such as « message(s) … »), how to count and delete it."""

    label: str
    count: Callable[[], int]
    delete: Callable[[], int]


def registered_cleanups() -> list[Cleanup]:
    return [make_cleanup() for make_cleanup in hooks.get_hooks(PERSONAL_DATA_CLEANUP_HOOK)]
