"""Copies of the test database: the demo is loaded once per session, then copied.

Loading the demo (cms/content/demo.json) takes ten seconds and more. A module that reads
it (``demo_site``), a module whose live server serves it (``demo_site_url``) and each
browser test that writes to it (``site``) all need it fresh. The first of them loads it
once, on top of the migrated test database, and keeps the result; each then gets a copy:

- PostgreSQL: the demo is a database of its own, ``<test database>_demo``, and a copy is
  ``CREATE DATABASE … TEMPLATE <test database>_demo`` (a fraction of a second). The
  connection's settings then name the copy (the live server's threads connect with the
  same settings), and name the previous database again when the copy is dropped.
- SQLite: the test database (in memory, shared with the live server's thread) is
  overwritten in place with SQLite's backup API, and given back what it held before.

Copies nest (a writing test inside a module that reads another copy) and may be released
in any order. The test database itself is never changed by them: it keeps its migrated
rows for the other tests. A test's own copy (``site``) is thrown away after the test, so
Django does not empty it first (``skip_flush_of_throwaway_copies``). On PostgreSQL a
dropped copy is dropped by a thread of its own: DROP DATABASE waits for a checkpoint,
which the next test need not wait for.
"""

from __future__ import annotations

import itertools
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, connections

from cms.content_loader import ContentLoader

DEMO_CONTENT = Path(settings.BASE_DIR) / "cms" / "content" / "demo.json"

# CREATE DATABASE … TEMPLATE fails while another session is connected to the template;
# a request thread of a live server may still be closing its connection (PostgreSQL
# itself waits up to 5 s before it refuses).
BUSY_RETRIES = 10
BUSY_WAIT_S = 0.2


@dataclass(eq=False)
class Copy:
    """One copy in use: its database name (PostgreSQL) or what it replaced (SQLite)."""

    name: str
    before: sqlite3.Connection | None = None
    # Dropped after one test, whatever it wrote: Django need not empty it first.
    throwaway: bool = False


def load_demo() -> None:
    """Load the demo content into the database in use, as `manage.py load_content` does."""
    ContentLoader.from_file(DEMO_CONTENT).load()


class DatabaseCopies:
    """The demo kept once per session, and the copies of it handed to tests."""

    def __init__(self) -> None:
        self.base_name = ""  # the migrated test database (PostgreSQL)
        self.demo: str | sqlite3.Connection | None = None
        self.copies: list[Copy] = []
        self.numbers = itertools.count(1)
        self.dropper: _Dropper | None = None

    def remember_test_database(self) -> None:
        """Note the migrated test database's name while Django's own connection gives it.

        Asked later, once Playwright has marked an asyncio loop as running, ``connection``
        can be another object that still names the site's database, not the test one.
        """
        self.base_name = self.base_name or connection.settings_dict["NAME"]

    @property
    def sqlite(self) -> bool:
        return connection.vendor == "sqlite"

    @property
    def active(self) -> Copy | None:
        """The copy the tests use now (the innermost), or None for the test database."""
        return self.copies[-1] if self.copies else None

    @property
    def throwaway_in_use(self) -> bool:
        return self.active is not None and self.active.throwaway

    def push_demo(self, load_demo: Callable[[], None], *, throwaway: bool = False) -> Copy:
        """Put a fresh copy of the demo in front of the tests; ``load_demo`` loads it once."""
        self._check_no_transaction()
        if self.sqlite:
            before = _sqlite_snapshot()
            if self.demo is None:
                _sqlite_restore(self.base_snapshot())
                load_demo()
                self.demo = _sqlite_snapshot()
            else:
                _sqlite_restore(self.demo)
            copy = Copy(f"copy-{next(self.numbers)}", before=before, throwaway=throwaway)
        else:
            if self.demo is None:
                self.demo = self._build_postgresql_demo(load_demo)
            copy = Copy(self._copy_name(), throwaway=throwaway)
            self._create_postgresql_copy(copy.name, template=str(self.demo))
            self._use(copy.name)
        self.copies.append(copy)
        return copy

    def release(self, copy: Copy) -> None:
        """Drop ``copy``; if the tests were using it, they use the previous database again."""
        if copy not in self.copies:
            return
        index = self.copies.index(copy)
        innermost = index == len(self.copies) - 1
        self.copies.remove(copy)
        if self.sqlite:
            if innermost:
                _sqlite_restore(copy.before)
            else:  # the copy above it now gives back what this one replaced
                self.copies[index].before = copy.before
            return
        if innermost:
            self._use(self.active.name if self.active else self.base_name)
        self._drop_later(copy.name)

    def refresh(self) -> None:
        """A test wrote to the innermost copy (and flushed it): replace it with a fresh one."""
        copy = self.active
        if copy is None:
            return
        self._check_no_transaction()
        if self.sqlite:
            _sqlite_restore(self.demo)
            return
        old = copy.name
        copy.name = self._copy_name()
        self._create_postgresql_copy(copy.name, template=str(self.demo))
        self._use(copy.name)
        self._drop_later(old)

    def close(self) -> None:
        """End of the session: every copy and the demo are dropped."""
        for copy in reversed(list(self.copies)):
            self.release(copy)
        if self.dropper is not None:
            self.dropper.finish()
            self.dropper = None
        if isinstance(self.demo, str):
            _drop_postgresql(self.demo)
        self.demo = None
        self._base_snapshot = None

    # -- SQLite ---------------------------------------------------------------------------

    _base_snapshot: sqlite3.Connection | None = None

    def base_snapshot(self) -> sqlite3.Connection:
        """The migrated test database as it is when the first copy is asked for."""
        if self._base_snapshot is None:
            self._base_snapshot = (
                self.copies[0].before if self.copies else _sqlite_snapshot()
            )  # what the outermost copy replaced is the test database
        return self._base_snapshot

    # -- PostgreSQL -----------------------------------------------------------------------

    def _build_postgresql_demo(self, load_demo: Callable[[], None]) -> str:
        self.base_name = self.base_name or connection.settings_dict["NAME"]
        demo = f"{self.base_name}_demo"
        for name in _postgresql_databases(like=demo):
            if name == demo or name.removeprefix(f"{demo}_").isdigit():
                _drop_postgresql(name)  # left by an interrupted run
        self._create_postgresql_copy(demo, template=self.base_name)
        current = connection.settings_dict["NAME"]
        self._use(demo)
        try:
            load_demo()
        finally:
            self._use(current)
        return demo

    def _copy_name(self) -> str:
        """``<test database>_demo_<n>``: only the copies bear such a name (the deployment
        tests' copies of the test database are ``<test database>_stack`` and the like)."""
        return f"{self.base_name}_demo_{next(self.numbers)}"

    def _create_postgresql_copy(self, name: str, template: str) -> None:
        quote = connection.ops.quote_name
        sql = f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}"
        connections.close_all()  # the template must have no session
        for attempt in range(BUSY_RETRIES):
            try:
                _execute_without_database(sql)
                return
            except DatabaseError as error:  # only "being accessed by other users" is retried
                if "being accessed" not in str(error) or attempt == BUSY_RETRIES - 1:
                    raise
                time.sleep(BUSY_WAIT_S)

    def _drop_later(self, name: str) -> None:
        if self.dropper is None:
            self.dropper = _Dropper()
        self.dropper.drop(name)

    def _use(self, name: str) -> None:
        """Point Django's connection (and the live server's, which reads the same settings)
        at the database ``name``."""
        connections.close_all()
        self.base_name = self.base_name or connection.settings_dict["NAME"]
        connection.settings_dict["NAME"] = name
        settings.DATABASES["default"]["NAME"] = name

    @staticmethod
    def _check_no_transaction() -> None:
        if connection.in_atomic_block:
            raise RuntimeError(
                "A copy of the demo database cannot be taken inside a transaction: ask for "
                "the module's demo (demo_site, demo_site_url) before any module-scoped "
                "fixture that opens one (loaded_once, rolled_back)."
            )


def _execute_without_database(sql: str, params: tuple = ()) -> list[tuple]:
    with connection._nodb_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _postgresql_databases(like: str) -> list[str]:
    rows = _execute_without_database(
        "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", (like,)
    )
    return [name for (name,) in rows]


def _drop_postgresql(name: str) -> None:
    _execute_without_database(
        f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)"
    )


class _Dropper:
    """Drops databases one after the other in a thread, until ``finish`` waits for it.

    The thread connects with psycopg itself: pytest-django blocks Django's connections
    outside the tests that may use the database, in every thread.
    """

    def __init__(self) -> None:
        server = connection.settings_dict
        self.params = {
            "dbname": "postgres",
            "user": server["USER"],
            "password": server["PASSWORD"],
            "host": server["HOST"],
            "port": server["PORT"],
        }
        self.names: queue.Queue[str | None] = queue.Queue()
        self.failed: list[str] = []
        self.thread = threading.Thread(target=self._run, name="drop-copies", daemon=True)
        self.thread.start()

    def drop(self, name: str) -> None:
        self.names.put(name)

    def finish(self) -> None:
        """Wait for the drops asked for; those that failed are tried once more, here."""
        self.names.put(None)
        self.thread.join()
        for name in self.failed:
            _drop_postgresql(name)

    def _run(self) -> None:
        import psycopg

        params = {key: value for key, value in self.params.items() if value}
        while (name := self.names.get()) is not None:
            try:
                with psycopg.connect(**params, autocommit=True) as server:
                    server.execute(
                        psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                            psycopg.sql.Identifier(name)
                        )
                    )
            except Exception:  # noqa: BLE001 - tried again at the end of the session
                self.failed.append(name)


def skip_flush_of_throwaway_copies() -> None:
    """Django empties the database after a test that commits; a copy thrown away after
    the test need not be emptied first (on PostgreSQL, TRUNCATE of every table takes
    seconds)."""
    from django.test.testcases import TransactionTestCase

    flush = TransactionTestCase._fixture_teardown
    if getattr(flush, "skips_throwaway_copies", False):
        return

    def _fixture_teardown(self) -> None:
        if not COPIES.throwaway_in_use:
            flush(self)

    _fixture_teardown.skips_throwaway_copies = True  # type: ignore[attr-defined]
    TransactionTestCase._fixture_teardown = _fixture_teardown  # type: ignore[method-assign]


def _sqlite_snapshot() -> sqlite3.Connection:
    connection.ensure_connection()
    snapshot = sqlite3.connect(":memory:", check_same_thread=False)
    connection.connection.backup(snapshot)
    return snapshot


def _sqlite_restore(snapshot: sqlite3.Connection | None) -> None:
    if snapshot is None:
        return
    connection.ensure_connection()
    snapshot.backup(connection.connection)


COPIES = DatabaseCopies()
# The copy a test took for itself (``site``): dropped once the test is torn down.
OWN_DEMO_COPY = pytest.StashKey[Copy]()
