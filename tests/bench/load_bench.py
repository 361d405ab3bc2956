#!/usr/bin/env python
"""Load figures: two gunicorn processes under mixed traffic (a script, not a test).

    .venv/bin/python tests/bench/load_bench.py                      # 600 s, 4 clients, SQLite
    .venv/bin/python tests/bench/load_bench.py --duration 180 --clients 6 \\
        --database-url postgres://intranet:intranet@127.0.0.1:5432/intranet_bench

The site is the demo (``cms/content/demo.json``), migrated and loaded by the script into
``--database-url`` (a SQLite file in /tmp by default, removed at the end; a PostgreSQL
database must have "bench" in its name and is created if missing), with ``DEBUG=0``.
Two gunicorn processes (``deploy/gunicorn.conf.py``, one worker each, as in
``tests/test_deploy_stack.py``) share that database and one Redis: ``REDIS_URL`` if set,
else a ``redis-server`` started by the script. Search answers from the database
(no Elasticsearch); tasks run at once; e-mails stay in memory.

``--clients`` threads send requests for ``--duration`` seconds, in turn to each process,
each request picked at random: anonymous pages (the page cache serves most), the same
pages and the member's registrations page read by a signed-in demo member (never cached),
searches, and registrations to an upcoming meeting then their cancellation (POST, the
member's own session and CSRF token). It prints, per kind and in all: requests,
p50 / p95 / p99 in milliseconds, the number of 5xx answers and of failed connections.
Everything listens on 127.0.0.1 only, and the script refuses anything else.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import psycopg
    import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.page_bench import (  # noqa: E402 (the checkout on the path first)
    check_database_url,
    percentile,
    remove_sqlite,
    sqlite_path,
    step,
)
from tests.http_sessions import browser, sign_in  # noqa: E402

DEFAULT_DATABASE_URL = "sqlite:////tmp/load-bench.sqlite3"
DEMO_CONTENT = ROOT / "cms" / "content" / "demo.json"
PASSWORD = "demo-convention"  # every demo account's (cms/content/demo.json)
MEMBERS = ("membre", "mireille", "karim", "helene", "florent", "marc", "sylvie", "bernard")
SEARCHES = ("numérique", "accès aux droits", "logement", "formation", "transport", "santé")
# Share of each kind of request (out of 100).
MIX = {"anonyme": 50, "membre": 25, "recherche": 15, "inscription": 10}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_DURATION = 3600
MAX_CLIENTS = 16
UNSET = ("STATIC_ROOT", "MEDIA_ROOT", "PAGE_CACHE_LOCATION", "TASKS_BACKEND", "PAGE_CACHE_ENABLED")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=600, help="secondes de trafic")
    parser.add_argument("--clients", type=int, default=4, help="clients simultanés")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help=f"base du banc (défaut : {DEFAULT_DATABASE_URL}, recréée puis supprimée)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= MAX_DURATION or not 1 <= args.clients <= MAX_CLIENTS:
        parser.error(f"durée de 1 à {MAX_DURATION} s, de 1 à {MAX_CLIENTS} clients")
    return args


def refuse_unless_loopback(url: str, what: str) -> None:
    host = urlsplit(url).hostname
    if host is not None and host not in LOOPBACK:
        sys.exit(f"Refusé : {what} doit être sur la boucle locale (127.0.0.1), pas « {host} ».")


# --- Setup --------------------------------------------------------------------------------


def postgres_admin(url: str) -> tuple[psycopg.Connection, str]:
    """A connection to the server's « postgres » database, and the bench database's name."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    admin = psycopg.connect(
        host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"],
        password=config["PASSWORD"], dbname="postgres", autocommit=True,
    )  # fmt: skip
    return admin, config["NAME"]


def create_postgres_database(url: str) -> bool:
    """Create the bench database if missing; whether it was created (then dropped at the end)."""
    admin, name = postgres_admin(url)
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    return not exists


def drop_postgres_database(url: str) -> None:
    from django.db import connections

    connections.close_all()
    admin, name = postgres_admin(url)
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def site_environment(database_url: str, data_dir: Path) -> dict[str, str]:
    """The settings of the script and of both servers: production, on loopback."""
    for name in UNSET:
        os.environ.pop(name, None)
    return {
        "DJANGO_SETTINGS_MODULE": "cms.settings",
        "DATABASE_URL": database_url,
        "DATA_DIR": str(data_dir),  # secret key, static and media roots: nothing in var/
        "DEBUG": "0",
        "HTTPS": "0",  # plain HTTP on loopback: no redirect to https
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": "load-bench-not-a-secret-" + "x" * 40,
        "ELASTICSEARCH_URL": "",  # search from the database store
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "REQUEST_LOG_LEVEL": "WARNING",  # one log line per request would be the bench's cost
        "GUNICORN_MAX_REQUESTS": "0",  # no worker restart in the middle of the figures
    }


@dataclass
class Site:
    public_pages: list[str]
    events: list[str]  # upcoming meetings open to registration


def prepare_site() -> Site:
    from django.core.management import call_command
    from django.utils import timezone
    from wagtail.models import Page

    from cms.content_loader import ContentLoader
    from cms.models import EventPage, HomePage
    from search.indexing import sync_subtree

    step("Migration", lambda: call_command("migrate", interactive=False, verbosity=0))
    step(
        "collectstatic (répertoire temporaire)",
        lambda: call_command("collectstatic", interactive=False, verbosity=0),
    )
    step("Contenu de démonstration", lambda: ContentLoader.from_file(DEMO_CONTENT).load())
    step("Index de recherche (base)", lambda: sync_subtree(HomePage.objects.get()))
    pages = [page.url for page in Page.objects.live().public().filter(depth__gte=2)]
    events = [
        event.url for event in EventPage.objects.live().public().filter(start__gt=timezone.now())
    ]
    return Site(public_pages=[url for url in pages if url], events=[url for url in events if url])


# --- Traffic ------------------------------------------------------------------------------


@dataclass
class Figures:
    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    server_errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    failures: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    cache_hits: int = 0  # anonymous pages answered from the shared page cache
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, status: int | None) -> None:
        with self.lock:
            if status is None:
                self.failures[kind] += 1
                return
            self.seconds[kind].append(seconds)
            if status >= 500:
                self.server_errors[kind] += 1


def signed_in(base: str, username: str) -> requests.Session:
    member, status = sign_in(base, username, PASSWORD)
    if status != 302:
        sys.exit(f"{username} n'a pas pu se connecter ({status}).")
    return member


class Client(threading.Thread):
    """One reader: an anonymous browser and a signed-in member, requests picked at random."""

    def __init__(self, number: int, bases: list[str], site: Site, figures: Figures):
        super().__init__(daemon=True)
        self.bases, self.site, self.figures = bases, site, figures
        self.stop_at = 0.0  # set when the traffic starts
        self.random = random.Random(number)
        self.anonymous = browser()
        self.member = signed_in(bases[number % len(bases)], MEMBERS[number % len(MEMBERS)])
        self.registered: set[str] = set()
        self.turn = number

    def run(self) -> None:
        kinds, weights = list(MIX), list(MIX.values())
        while time.monotonic() < self.stop_at:
            kind = self.random.choices(kinds, weights)[0]
            self.turn += 1
            base = self.bases[self.turn % len(self.bases)]
            started = time.perf_counter()
            try:
                status = getattr(self, "send_" + kind)(base)
            except OSError:  # refused, reset, timed out (requests' errors are OSErrors)
                status = None
            self.figures.record(kind, time.perf_counter() - started, status)

    def get(self, session: requests.Session, url: str) -> int:
        return session.get(url, allow_redirects=False, timeout=30).status_code

    def send_anonyme(self, base: str) -> int:
        url = base + self.random.choice(self.site.public_pages)
        response = self.anonymous.get(url, allow_redirects=False, timeout=30)
        if response.headers.get("X-Page-Cache") == "hit":
            with self.figures.lock:
                self.figures.cache_hits += 1
        return response.status_code

    def send_membre(self, base: str) -> int:
        path = self.random.choice([*self.site.public_pages, "/inscriptions/"])
        return self.get(self.member, base + path)

    def send_recherche(self, base: str) -> int:
        browser = self.random.choice([self.anonymous, self.member])
        query = self.random.choice(SEARCHES)
        return browser.get(f"{base}/recherche/", params={"q": query}, timeout=30).status_code

    def send_inscription(self, base: str) -> int:
        """Register to a meeting, or cancel a registration made before."""
        if not self.site.events:
            return self.send_membre(base)
        event = self.random.choice(self.site.events)
        action = "annulation" if event in self.registered else "inscription"
        response = self.member.post(
            f"{base}{event}{action}/",
            data={"csrfmiddlewaretoken": self.member.cookies["csrftoken"], "travel_note": ""},
            allow_redirects=False,
            timeout=30,
        )
        if response.status_code == 302:
            self.registered.symmetric_difference_update({event})
        return response.status_code


# --- Report -------------------------------------------------------------------------------


def report(figures: Figures, duration: float, clients: int, database: str) -> None:
    print()
    print(f"{clients} clients, {duration:.0f} s, 2 processus gunicorn (1 worker chacun), "
          f"Redis partagé, base {database}")  # fmt: skip
    print()
    print("| requêtes | nombre | par seconde | p50 ms | p95 ms | p99 ms | 5xx | échecs |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    every: list[float] = []
    for kind in [*MIX, "total"]:
        if kind == "total":
            values = every
            errors = sum(figures.server_errors.values())
            failures = sum(figures.failures.values())
        else:
            values = figures.seconds[kind]
            every.extend(values)
            errors, failures = figures.server_errors[kind], figures.failures[kind]
        if not values:
            print(f"| {kind} | 0 | | | | | {errors} | {failures} |")
            continue
        p50, p95, p99 = (percentile(values, p) * 1000 for p in (50, 95, 99))
        print(f"| {kind} | {len(values)} | {len(values) / duration:.1f} | {p50:.0f} | "
              f"{p95:.0f} | {p99:.0f} | {errors} | {failures} |")  # fmt: skip
    anonymous = len(figures.seconds["anonyme"])
    if anonymous:
        print(f"\nPages anonymes servies du cache partagé : {figures.cache_hits / anonymous:.0%}")
    print()
    now = datetime.datetime.now(datetime.UTC)
    print(f"Machine : {platform.platform()}, {os.cpu_count()} cœurs, "
          f"Python {platform.python_version()}, {now:%Y-%m-%d %H:%M} UTC")  # fmt: skip


# --- Main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    check_database_url(args.database_url)
    refuse_unless_loopback(args.database_url, "la base")
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url:
        refuse_unless_loopback(redis_url, "REDIS_URL")
    sqlite = sqlite_path(args.database_url)
    created = False
    if sqlite is not None:
        remove_sqlite(sqlite)  # a file left by an interrupted run
    else:
        created = create_postgres_database(args.database_url)
    workdir = Path(tempfile.mkdtemp(prefix="load-bench-"))
    env = site_environment(args.database_url, workdir / "var")
    os.environ.update(env)
    import django

    django.setup()
    from tests.deploy_stack import Service, start_gunicorn, start_redis, wait_until_answering

    services: list[Service] = []
    try:
        if not redis_url:
            redis, redis_url = start_redis(workdir)
            services.append(redis)
        os.environ["REDIS_URL"] = redis_url
        site = prepare_site()
        print(f"{len(site.public_pages)} pages publiques, {len(site.events)} rencontres à venir")
        server_env = {**os.environ, "REDIS_URL": redis_url}
        servers = [start_gunicorn(server_env, workdir, name) for name in ("web-a", "web-b")]
        services.extend(service for service, _ in servers)
        bases = [f"http://127.0.0.1:{port}" for _, port in servers]
        for (service, _), base in zip(servers, bases, strict=True):
            wait_until_answering(f"{base}/sante/", service)
        figures = Figures()
        clients = [Client(number, bases, site, figures) for number in range(args.clients)]
        print(f"Trafic pendant {args.duration} s…", flush=True)
        started = time.monotonic()
        for client in clients:
            client.stop_at = started + args.duration
            client.start()
        for client in clients:
            client.join()
        report(
            figures, time.monotonic() - started, args.clients, "SQLite" if sqlite else "PostgreSQL"
        )
    finally:
        for service in reversed(services):
            service.stop()
        if sqlite is not None:
            remove_sqlite(sqlite)
        elif created:
            drop_postgres_database(args.database_url)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
