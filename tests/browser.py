"""What the browser tests share: Debian's Chromium, its flags, and the demo site served live.

Without Chromium the browser tests are skipped locally and fail under CI=true.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.database_copies import OWN_DEMO_COPY, load_demo

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
# The marks of a module whose browser tests write: each runs on the live server (``site``)
# and gets the migrated rows back afterwards from the serialized state, since the flush
# after a committing test empties every table.
WRITING_BROWSER_TESTS = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


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
def site(request, live_server, transactional_db, database_copies) -> str:
    """The live server's base URL, with a fresh copy of the demo content of its own.

    The test may write: its copy is dropped once it is torn down (tests/conftest.py),
    without being emptied first, and the test database keeps its migrated rows.
    """
    SHARED_CHROMIUM.keep = False
    SHARED_CHROMIUM.stop()  # the copy is taken on Django's own connection
    request.node.stash[OWN_DEMO_COPY] = database_copies.push_demo(load_demo, throwaway=True)
    return live_server.url


# -- One Chromium for a module's read-only tests -----------------------------------------
#
# Starting Chromium takes a second or two. The read-only tests of a module (those using
# ``demo_site_url``) share one, each opening its own context; other tests get their own
# and stop it when they end. While Playwright's sync API runs, an asyncio loop is marked
# as running in this thread: Django then refuses ORM calls (SynchronousOnlyOperation) and
# hands out other connection objects, without the test database's serialized state. The
# read-only tests are synchronous all the same and need no rollback, so they run with
# DJANGO_ALLOW_ASYNC_UNSAFE; every other test finds Playwright stopped, as Django expects.


class SharedChromium:
    """Chromium started on first use; kept between tests only while ``keep`` is set."""

    def __init__(self) -> None:
        self.playwright = None
        self.browser = None
        self.keep = False
        # Contexts a module's read-only tests share (pages only looked at): kept open
        # between its tests, closed with the browser.
        self.shared_contexts: set = set()

    def get(self, executable: Path):
        if self.browser is None:
            from playwright.sync_api import sync_playwright

            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(
                executable_path=str(executable), args=CHROMIUM_ARGS, headless=True
            )
        return self.browser

    def stop(self) -> None:
        if self.browser is None:
            return
        from django.db import connections

        # The connections opened while the loop ran are objects of their own: close them.
        connections.close_all()
        self.shared_contexts.clear()
        self.browser.close()
        self.playwright.stop()
        self.browser = self.playwright = None
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def done_with_test(self) -> None:
        if self.browser is None:
            return
        for context in list(self.browser.contexts):
            if context not in self.shared_contexts:
                context.close()
        if not self.keep:
            self.stop()


SHARED_CHROMIUM = SharedChromium()


@pytest.fixture(scope="module", autouse=True)
def _stop_shared_chromium():
    yield
    SHARED_CHROMIUM.keep = False
    SHARED_CHROMIUM.stop()


# -- The demo loaded once per module, for tests that only read it ----------------------
#
# Most browser tests only read the demo. ``demo_site_url`` serves one copy of it
# (tests/database_copies.py) to a module's read-only tests; tests that write use ``site``
# (a copy of their own, dropped after the test). The sessions of the demo's readers are
# committed in the copy before the first test, and the copy is dropped after the module.

READ_ONLY_FIXTURE = "demo_site_url"
DEMO_READERS = ("membre", "referente", "odile", "coordination")
LOGGED_IN: dict[str, str] = {}  # username -> session key, for the module's demo server


def content_types_first(state: str) -> str:
    """The serialized state with the content types restored before the pages.

    Building a page from its serialized row asks ``ContentType.objects.get_for_model``
    (Wagtail's ``Page.__init__``). In a process that has not looked that content type up
    yet (a worker, or a run of one browser file), the flushed table then gets a new row,
    and restoring the serialized one breaks the unique (app_label, model) constraint.
    """
    objects = json.loads(state)
    objects.sort(key=lambda obj: obj["model"] != "contenttypes.contenttype")  # stable
    return json.dumps(objects)


def back_to_migrated_state(state: str) -> None:
    """Flush every table and restore the migrated rows, ids and all (content types first)."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection

    # As Django's serialized rollback does: sequences go on past the restored ids.
    call_command(
        "flush", verbosity=0, interactive=False, inhibit_post_migrate=True, reset_sequences=False
    )
    # The cache may hold content types a flush with post_migrate recreated under other ids.
    # Emptied, it finds the restored rows: they come first in the state, and Wagtail's Page
    # and Task look theirs up only when their own rows are rebuilt, after them.
    ContentType.objects.clear_cache()
    connection.creation.deserialize_db_from_string(state)
    ContentType.objects.clear_cache()


def _log_in_demo_readers() -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    for user in get_user_model().objects.filter(username__in=DEMO_READERS):
        client = Client()
        client.force_login(user)
        LOGGED_IN[user.username] = client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture(scope="module")
def _demo_server(database_copies, django_db_blocker):
    from pytest_django.live_server_helper import LiveServer

    SHARED_CHROMIUM.keep = False
    SHARED_CHROMIUM.stop()  # the copy is taken on Django's own connection
    with django_db_blocker.unblock():
        copy = database_copies.push_demo(load_demo)
        _log_in_demo_readers()
    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    try:
        yield server.url
    finally:
        SHARED_CHROMIUM.keep = False
        SHARED_CHROMIUM.stop()  # the database work below needs Django's own connection
        LOGGED_IN.clear()
        server.stop()
        server._live_server_modified_settings.disable()
        with django_db_blocker.unblock():
            database_copies.release(copy)


@pytest.fixture
def demo_site_url(_demo_server, django_db_blocker):
    """The live server's base URL, with the demo loaded once for the module; read only.

    The database is open to the test without a transaction of its own, as the server's
    thread sees it: what a test writes (it should write nothing) stays until the module ends.
    """
    SHARED_CHROMIUM.keep = True
    with django_db_blocker.unblock():
        yield _demo_server
    SHARED_CHROMIUM.done_with_test()
