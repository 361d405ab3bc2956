#!/usr/bin/env python
"""Page figures: response time, SQL queries and HTML weight per page type (not in make test).

    .venv/bin/python tests/bench/page_bench.py
    .venv/bin/python tests/bench/page_bench.py --rounds 50 --extra
    .venv/bin/python tests/bench/page_bench.py \\
        --database-url postgres://intranet:intranet@127.0.0.1:5432/intranet_bench

It measures the site as Django serves it, without a web server or a network:
``django.test.Client`` requests, with ``DEBUG=0`` and the production settings (static
files collected by whitenoise's manifest storage into a temporary directory). The site is
the demo (``cms/content/demo.json``), migrated and loaded by the script, and its search
index is built. ``--extra`` adds the larger content of the query-count tests
(``tests/test_query_counts.py``: more contributions, members, organisations, meetings,
and proposals, follows and registrations of the member ``membre``).

The pages are ``tests/test_page_weight.PAGE_CASES``; each is read by ``anonymous`` (public
pages) and by the demo member ``membre`` (``force_login``; pages meant for members). For
each page and reader: one warm-up request, then ``--rounds`` requests timed one at a time
(p50 / p95 in milliseconds), then one more request for the number of SQL queries and the
size of the HTML. Anonymous readers are measured twice: with the anonymous page cache off
(``PAGE_CACHE_ENABLED=False``), then on, as in production; the cached columns are filled
only when the responses came from the cache (header ``X-Page-Cache: hit``). Members are
measured the same two ways: with the setting on, the parts of their pages cached per
audience (``cms.audience``: menus, a dossier's contributions and préconisations) come from
the cache, and the rest is rendered for each request. It ends with a Markdown table and the
machine it ran on.

The database is ``--database-url`` (default: a SQLite file in /tmp, created afresh and
removed at the end), never the developer's ``var/db.sqlite3``; a PostgreSQL database must
have "bench" in its name, since the demo content is written into it. ``DATA_DIR`` (secret
key, static and media files) is a temporary directory removed at the end, so nothing is
written to ``var/``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = "sqlite:////tmp/page-bench.sqlite3"
DEMO_CONTENT = ROOT / "cms" / "content" / "demo.json"
MEMBER = "membre"  # the demo's plain member (cms/content/demo.json)
READERS = ("anonymous", MEMBER)
# Settings of the developer's environment that would send files, cache entries, tasks or
# e-mail elsewhere than the benchmark's temporary directory and process.
UNSET = ("STATIC_ROOT", "MEDIA_ROOT", "PAGE_CACHE_LOCATION", "TASKS_BACKEND", "PAGE_CACHE_ENABLED")


@dataclass
class Timing:
    """One page read by one reader in one mode: timed requests, queries and size of the last."""

    seconds: list[float]
    queries: int
    size: int
    cache_hit: bool


@dataclass
class Row:
    page: str
    reader: str
    uncached: Timing | None = None
    cached: Timing | None = None  # page cache (anonymous) or audience fragments (members)
    error: str = ""


# --- Setup --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30, help="requêtes mesurées (+1 de chauffe)")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help=f"base du banc (défaut : {DEFAULT_DATABASE_URL}, recréée puis supprimée)",
    )
    parser.add_argument(
        "--extra", action="store_true", help="ajouter le contenu des tests de requêtes"
    )
    return parser.parse_args(argv)


def sqlite_path(url: str) -> Path | None:
    import dj_database_url

    config = dj_database_url.parse(url)
    return Path(config["NAME"]) if config["ENGINE"].endswith("sqlite3") else None


def check_database_url(url: str) -> None:
    import dj_database_url

    config = dj_database_url.parse(url)
    name = str(config.get("NAME") or "")
    path = sqlite_path(url)
    if path is not None:
        if path.resolve() == (ROOT / "var" / "db.sqlite3").resolve():
            sys.exit("Refusé : le banc écrit la démonstration dans sa base, pas dans var/.")
    elif "bench" not in name:
        sys.exit(
            f"Refusé : la base « {name} » n'a pas « bench » dans son nom et le banc y écrit "
            "le contenu de démonstration."
        )


def remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def setup_django(args: argparse.Namespace) -> Path:
    check_database_url(args.database_url)
    if os.environ.get("DATABASE_URL") and os.environ["DATABASE_URL"] != args.database_url:
        print("Note : DATABASE_URL est ignoré ; la base du banc : --database-url.")
    if args.database_url == DEFAULT_DATABASE_URL:
        # A file left by an interrupted run: start from an empty database.
        remove_sqlite(sqlite_path(DEFAULT_DATABASE_URL))
    data_dir = Path(tempfile.mkdtemp(prefix="page-bench-data-"))
    for name in UNSET:
        os.environ.pop(name, None)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings",
            "DATABASE_URL": args.database_url,
            "DATA_DIR": str(data_dir),  # secret key, static and media roots: nothing in var/
            "DEBUG": "0",  # production templates and static storage; no query log in memory
            "HTTPS": "0",  # the test client speaks plain HTTP: no redirect to https
            "ALLOWED_HOSTS": "testserver,localhost",
            "SECRET_KEY": "page-bench-not-a-secret",
            "ELASTICSEARCH_URL": "",  # search from the database store
            # Per process, not a shared file or Redis cache of the developer.
            "PAGE_CACHE_BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            # DEBUG=0 means SMTP; the extra content's proposals notify people.
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return data_dir


def step(label: str, action) -> None:
    print(f"{label}…", end=" ", flush=True)
    started = time.perf_counter()
    action()
    print(f"{time.perf_counter() - started:.1f} s", flush=True)


def load_extra() -> None:
    # The test module needs pytest (dev dependency), imported here so that --extra only
    # costs something when asked for.
    from tests.conftest import load
    from tests.test_query_counts import EXTRA_ACTIVITY, extra_content, member_activity

    load(extra_content())
    member_activity(MEMBER, EXTRA_ACTIVITY)


def prepare_site(extra: bool) -> None:
    from django.core.management import call_command

    from cms.content_loader import ContentLoader
    from cms.models import HomePage
    from search.indexing import sync_subtree

    step("Migration", lambda: call_command("migrate", interactive=False, verbosity=0))
    # DEBUG=0: {% static %} reads the manifest written by collectstatic.
    step(
        "collectstatic (répertoire temporaire)",
        lambda: call_command("collectstatic", interactive=False, verbosity=0),
    )
    step("Contenu de démonstration", lambda: ContentLoader.from_file(DEMO_CONTENT).load())
    if extra:
        step("Contenu supplémentaire (--extra)", load_extra)
    step("Index de recherche", lambda: sync_subtree(HomePage.objects.get()))


# --- Measures -----------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def client_for(reader: str):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    if reader != "anonymous":
        client.force_login(get_user_model().objects.get(username=reader))
    return client


def check(response, what: str) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"{what} : HTTP {response.status_code}")


def time_page(reader: str, path: str, rounds: int) -> Timing:
    """Warm-up, ``rounds`` timed requests, then one request for queries and size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cms.cache import CACHE_HEADER

    client = client_for(reader)
    # The first request fills Wagtail's caches (site root paths) and the page cache.
    check(client.get(path), path)
    seconds = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(path)
        seconds.append(time.perf_counter() - started)
        check(response, path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    check(response, path)
    html = response.get("Content-Type", "").startswith("text/html")
    return Timing(
        seconds=seconds,
        queries=len(queries),
        size=len(response.content) if html else 0,
        cache_hit=response.get(CACHE_HEADER) == "hit",
    )


def measure(case, reader: str, rounds: int) -> Row:
    from django.core.cache import caches
    from django.test import override_settings

    from cms.cache import CACHE_ALIAS

    row = Row(case.name, reader)
    try:
        path = case.path()  # some cases look up an object: outside the timed requests
        with override_settings(PAGE_CACHE_ENABLED=False):
            row.uncached = time_page(reader, path, rounds)
        # The cached pass starts with a miss, as after a change: the anonymous page cache
        # for anonymous readers, the audience's fragments (cms.audience) for members.
        caches[CACHE_ALIAS].clear()
        row.cached = time_page(reader, path, rounds)
    except Exception as error:  # noqa: BLE001 - recorded, the other pages go on
        row.error = f"{type(error).__name__}: {error}"
    return row


def measure_all(rounds: int) -> list[Row]:
    from tests.test_page_weight import PAGE_CASES

    rows = []
    for case in PAGE_CASES:
        for reader in READERS:
            if not (case.public if reader == "anonymous" else case.for_members):
                continue
            started = time.perf_counter()
            row = measure(case, reader, rounds)
            status = row.error or f"{time.perf_counter() - started:.1f} s"
            print(f"  {case.name} ({reader}) : {status}", flush=True)
            rows.append(row)
    return rows


# --- Report -------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def table(rows: list[Row]) -> str:
    lines = [
        "| page | lecteur | Ko (HTML) | requêtes SQL | p50 (ms) | p95 (ms) "
        "| p50 en cache (ms) | requêtes en cache |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        reader = "anonyme" if row.reader == "anonymous" else row.reader
        if row.error:
            lines.append(f"| {row.page} | {reader} | {row.error} | — | — | — | — | — |")
            continue
        timing = row.uncached
        cached = "| — | — |"
        if row.cached is not None and (row.cached.cache_hit or row.reader != "anonymous"):
            cached = f"| {ms(percentile(row.cached.seconds, 50))} | {row.cached.queries} |"
        elif row.cached is not None:
            cached = "| pas en cache | — |"
        lines.append(
            f"| {row.page} | {reader} | {timing.size / 1024:.1f} | {timing.queries} "
            f"| {ms(percentile(timing.seconds, 50))} | {ms(percentile(timing.seconds, 95))} "
            f"{cached}"
        )
    return "\n".join(lines)


def machine(extra: bool, rounds: int) -> dict:
    import platform

    import django

    from tests.bench.search_bench import database_engine

    info = {
        "système": platform.platform(),
        "processeurs": f"{os.cpu_count()} ({len(os.sched_getaffinity(0))} utilisables)",
        "python": platform.python_version(),
        "django": django.get_version(),
        "base de données": database_engine(),
        "contenu": "démonstration + contenu des tests de requêtes" if extra else "démonstration",
        "requêtes mesurées": f"{rounds} par page et par lecteur (+1 de chauffe)",
        "date": datetime.datetime.now().astimezone().isoformat(timespec="minutes"),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        info["charge"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        pass
    return info


# --- Main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM (timeout, kill) unwinds like Ctrl-C, so the temporary files go.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    data_dir = setup_django(args)
    try:
        prepare_site(args.extra)
        print(f"Mesure des pages ({args.rounds} requêtes par page et par lecteur)…")
        rows = measure_all(args.rounds)
        info = machine(args.extra, args.rounds)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(data_dir, ignore_errors=True)
        if args.database_url == DEFAULT_DATABASE_URL:
            remove_sqlite(sqlite_path(DEFAULT_DATABASE_URL))

    print("\n## Résultats\n")
    print(table(rows))
    print()
    for key, value in info.items():
        print(f"- {key} : {value}")
    return 1 if any(row.error for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
