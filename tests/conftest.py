"""Shared fixtures. Under CI=true, services the suite needs must be there: no silent skips."""

from __future__ import annotations

import inspect
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.backends.base.creation import TEST_DATABASE_PREFIX
from django.test.utils import setup_databases, teardown_databases
from pytest_django.plugin import blocking_manager_key

from cms.content_loader import ContentLoader
from tests.database_copies import (
    COPIES,
    OWN_DEMO_COPY,
    load_demo,
    skip_flush_of_throwaway_copies,
)

# Fixtures of the browser tests (chromium, site) live in tests/browser.py.
pytest_plugins = ["tests.browser"]

DEMO_CONTENT = Path(settings.BASE_DIR) / "cms" / "content" / "demo.json"
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_configure(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    if IN_CI and "postgresql" not in engine:
        raise pytest.UsageError(
            f"CI=true but DATABASE_URL does not point at PostgreSQL (engine: {engine}). "
            "The suite must run on PostgreSQL in CI."
        )
    # Each session (each pytest-xdist worker) keeps its uploads in a directory of its own:
    # a worker must not find, rename around or delete the files of another, nor the files
    # left in var/media by earlier runs.
    config.test_media_root = settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="intranet-media-"))
    skip_flush_of_throwaway_copies()


def pytest_unconfigure(config):
    media_root = getattr(config, "test_media_root", None)
    if media_root is not None:
        shutil.rmtree(media_root, ignore_errors=True)


# -- Long files first ---------------------------------------------------------------------
#
# ``make test`` runs two workers with ``--dist loadfile``: a file stays on one worker, and
# each worker takes the next file in collection order when it is free. Started last, a long
# file keeps one worker busy while the other waits; started first, the short files fill the
# gaps and both workers end together. A file's weight is a rough guess of its duration: a
# browser test costs seconds, a test on the live server more, another test a fraction of one.
# Files the guess underrates are listed by name, with what a CI run measured beyond it
# (seconds, 3 December 2026): mostly files of a few tests that make hundreds of requests.
SLOW_FILES = {
    "tests/test_admin_query_strings.py": 60,
    "tests/test_url_walk.py": 90,
    "tests/test_deploy_stack.py": 120,
    "tests/test_contact_browser.py": 60,
    "tests/test_content_loader.py": 60,
    "tests/test_content_fuzz.py": 50,
    "tests/test_admin_access_property.py": 50,
    "tests/test_access_property.py": 45,
    "tests/test_sqlite_concurrency.py": 45,
    "tests/test_query_counts.py": 30,
    "tests/test_member_home.py": 27,
    "tests/test_content_loader_followup.py": 27,
    "tests/test_odd_query_strings.py": 24,
    "tests/search/test_followup_search.py": 20,
    "tests/search/test_store_contract.py": 20,
    "tests/test_deploy_backup.py": 18,
}


def _item_weight(item: pytest.Item) -> float:
    if item.get_closest_marker("browser") is not None:
        return 3.0
    if _commits(item):
        return 2.0
    return 0.2


def pytest_collection_modifyitems(session, config, items):
    weights: dict[str, float] = {}
    for item in items:
        path = item.nodeid.split("::")[0]
        weights[path] = weights.get(path, SLOW_FILES.get(path, 0.0)) + _item_weight(item)
    order = {path: rank for rank, path in enumerate(sorted(weights, key=weights.get, reverse=True))}
    items.sort(key=lambda item: order[item.nodeid.split("::")[0]])  # stable within a file


def _commits(item: pytest.Item) -> bool:
    """The test runs outside a rolled-back transaction, and Django flushes after it."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker is not None and marker.kwargs.get("transaction"))
        or {"transactional_db", "live_server"} & set(fixtures)
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Give the migrated site (home page, default site) back after a test that commits.

    Django flushes every table after such a test and counts on running them last, as its
    runner and pytest-django order them; pytest-xdist's ``--dist loadfile`` hands a worker
    whole files, so the next test may be any test, and it expects the migrated rows.

    A test that ran on a copy of the demo (tests/database_copies.py) flushed the copy, not
    the test database: its own copy (``site``) is dropped, a module's copy is replaced with
    a fresh one for the module's next tests.
    """
    used_copy = COPIES.active
    yield
    blocker = item.config.stash[blocking_manager_key]
    own_copy = item.stash.get(OWN_DEMO_COPY, None)
    if own_copy is not None:
        with blocker.unblock():
            COPIES.release(own_copy)
        return
    if nextitem is None or not _commits(item):
        return
    if used_copy is not None:
        if used_copy is COPIES.active:  # the module goes on with a fresh copy
            with blocker.unblock():
                COPIES.refresh()
        return  # released with its module: the test database was not touched
    from django.db import connection

    from tests.browser import back_to_migrated_state, content_types_first

    state = getattr(connection, "_test_serialized_contents", None)
    if state is None:  # no test of this session asked for a serialized rollback
        return
    with blocker.unblock():
        back_to_migrated_state(content_types_first(state))


@pytest.fixture(autouse=True)
def empty_caches():
    """Caches outlive the rolled-back database: start each test with empty ones."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


def load(data: dict):
    """Load a content document the way `manage.py load_content` does."""
    return ContentLoader(data).load()


COLLEGES = [
    {"slug": "personnes-accompagnees", "name": "Personnes accompagnées"},
    {"slug": "acteurs-formation", "name": "Acteurs de la formation"},
    {"slug": "collectivites-territoriales", "name": "Collectivités territoriales"},
]


@pytest.fixture
def colleges(db):
    load({"colleges": COLLEGES})


PEOPLE = {
    "users": [
        {
            "username": "pa",
            "password": "x-secret-1",
            "colleges": ["personnes-accompagnees"],
            "roles": ["member"],
        },
        {
            "username": "formation",
            "password": "x-secret-1",
            "colleges": ["acteurs-formation"],
            "roles": ["member"],
        },
        {
            "username": "deux",
            "password": "x-secret-1",
            "colleges": ["personnes-accompagnees", "collectivites-territoriales"],
            "roles": ["member"],
        },
        {
            "username": "coord",
            "password": "x-secret-1",
            "colleges": ["acteurs-formation"],
            "roles": ["member", "coordination"],
        },
        {"username": "sans-college", "password": "x-secret-1"},
    ]
}


def users_by_name() -> dict:
    return {user.username: user for user in get_user_model().objects.all()}


@pytest.fixture
def people(colleges):
    """One user per situation the visibility rules care about."""
    load(PEOPLE)
    return users_by_name()


@contextmanager
def rolled_back(django_db_blocker):
    """Data shared by a module's tests, written once and rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def loaded_once(name: str, *documents: dict):
    """A module-scoped fixture called `name`: `documents` loaded once, rolled back after the module.

    Each test still runs in its own savepoint (through the ``db`` fixture), so tests
    of one module cannot see each other's changes.
    """

    @pytest.fixture(scope="module", name=name)
    def fixture(django_db_setup, django_db_blocker):
        with rolled_back(django_db_blocker):
            for document in documents:
                load(document)
            yield

    return fixture


def users_of(loaded: str, name: str):
    """A fixture called `name`: the users, by username, of `loaded` (a `loaded_once` fixture).

    The fixture names `loaded` in its signature, not through ``request.getfixturevalue``:
    pytest then sets the module's data up before the test's own transaction begins.
    """

    def fixture(**_fixtures):
        return users_by_name()

    wanted = (loaded, "db")
    fixture.__signature__ = inspect.Signature(
        [inspect.Parameter(each, inspect.Parameter.KEYWORD_ONLY) for each in wanted]
    )
    return pytest.fixture(name=name)(fixture)


@pytest.fixture(scope="session")
def database_copies(django_db_setup, django_db_blocker):
    """The demo, loaded once per session and copied for each module or test that needs it
    (tests/database_copies.py); every copy is dropped at the end of the session."""
    with django_db_blocker.unblock():
        own_databases = _set_up_test_database_if_missing()
    COPIES.remember_test_database()
    yield COPIES
    with django_db_blocker.unblock():
        COPIES.close()
        if own_databases is not None:
            teardown_databases(own_databases, verbosity=0)


def _set_up_test_database_if_missing() -> list | None:
    """Create the test database when pytest-django did not, and return what tears it down.

    pytest-django creates a database only for the tests that ask for one (a ``django_db``
    mark, ``db``, ``live_server``). The read-only browser tests reach theirs through
    ``demo_site_url`` alone: run by themselves, they would otherwise load the demo into the
    database of DATABASE_URL (or the developer's var/db.sqlite3) instead of a test one.
    """
    name = str(connection.settings_dict["NAME"])
    if name.startswith(TEST_DATABASE_PREFIX) or "mode=memory" in name or name == ":memory:":
        return None
    return setup_databases(verbosity=0, interactive=False, aliases={DEFAULT_DB_ALIAS})


@pytest.fixture(scope="module")
def demo_site(database_copies, django_db_blocker):
    """The demo content for the module: a fresh copy of the demo database, dropped after it.

    Each test still runs in its own savepoint (through the ``db`` fixture), so tests
    of one module cannot see each other's changes.
    """
    with django_db_blocker.unblock():
        copy = database_copies.push_demo(load_demo)
    yield
    with django_db_blocker.unblock():
        database_copies.release(copy)


@pytest.fixture
def demo(demo_site, db):
    """Use in tests that only read the demo content."""
