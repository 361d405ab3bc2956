"""For modules whose data is loaded once (``loaded_once``) and whose tests write files."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import users_by_name


def users_with_own_media(settings, tmp_path: Path) -> dict:
    """Fresh users of the module's data, and a MEDIA_ROOT of the test's own.

    Files outlive the rolled-back database: each test uploads into its own folder, where
    no later test finds them.
    """
    settings.MEDIA_ROOT = tmp_path
    return users_by_name()
