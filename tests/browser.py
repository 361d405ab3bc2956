"""What the browser tests share: Debian's Chromium, its flags, and the demo site served live.

Without Chromium the browser tests are skipped locally and fail under CI=true.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cms.content_loader import ContentLoader

DEMO_CONTENT = Path(__file__).resolve().parents[1] / "cms" / "content" / "demo.json"
IN_CI = os.environ.get("CI", "").lower() == "true"

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling hosts this machine cannot reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def chromium() -> Path:
    """Debian's Chromium: skipped without it locally, a failure under CI=true."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    message = f"Chromium is not installed at {CHROMIUM} (Debian package `chromium`)."
    if IN_CI:
        pytest.fail(f"{message} CI=true: the browser tests must run, not be skipped.")
    pytest.skip(message)


@pytest.fixture
def site(live_server, transactional_db) -> str:
    """The live server's base URL, with the demo content loaded."""
    ContentLoader.from_file(DEMO_CONTENT).load()
    return live_server.url
