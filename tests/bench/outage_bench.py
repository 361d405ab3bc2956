#!/usr/bin/env python
"""Reading the site while Elasticsearch is paused: errors and waits (not in make test).

    .venv/bin/python tests/bench/outage_bench.py
    .venv/bin/python tests/bench/outage_bench.py --before 20 --pause 60 --after 40 --clients 4

A paused node (SIGSTOP) accepts connections and never answers: the case the search
breaker (search/breaker.py) is for. The script migrates a temporary SQLite database, loads
the demo, starts an Elasticsearch dev node of its own (deploy/elasticsearch) and builds
the index, collects the static files, then serves the site with ``manage.py runserver``
(threaded, ``DEBUG=0``) on a free loopback port, and reads each page once to warm it up.
``--clients`` threads read a fixed mix of pages (search page, search API, home,
convention, dossier) one request at a time for ``--before`` seconds, then with the node
paused for ``--pause`` seconds, then with it running again for ``--after`` seconds. It
prints, per phase, the number of requests, of 5xx answers, of answers from the fallback
(the notice), and the median, 95th centile and maximum duration of the search requests
and of all requests, then the requests that took more than a second (phase, seconds
since the phase began). Every request is bounded (30 s) and the run stops by
itself; everything it started is stopped and removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.search.es_fixture import DevNode, free_port  # noqa: E402

PATHS = [
    "/recherche/?q=numérique",
    "/api/search/?q=accès+aux+droits",
    "/",
    "/paca/",
    "/paca/dossiers/non-recours-numerique/",
    "/api/search/?q=formation&sort=date",
]
NOTICE = "recherche de secours"


@dataclass
class Sample:
    phase: str
    path: str
    status: int
    seconds: float
    fallback: bool
    at: float  # seconds since the start of its phase


@dataclass
class Run:
    samples: list[Sample] = field(default_factory=list)
    phase: str = "avant"
    phase_started: float = field(default_factory=time.monotonic)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=float, default=20, help="secondes avant la pause")
    parser.add_argument("--pause", type=float, default=60, help="secondes de pause du nœud")
    parser.add_argument("--after", type=float, default=40, help="secondes après la reprise")
    parser.add_argument("--clients", type=int, default=4, help="lecteurs simultanés")
    return parser.parse_args()


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=900,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def read(base: str, run: Run, offset: int) -> None:
    index = offset
    while not run.stop.is_set():
        path = PATHS[index % len(PATHS)]
        index += 1
        phase = run.phase
        started = time.monotonic()
        try:
            with urllib.request.urlopen(
                base + urllib.parse.quote(path, safe="/?=&+"), timeout=30
            ) as response:
                status, body = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            status, body = error.code, ""
        except OSError:
            status, body = 0, ""
        sample = Sample(
            phase, path, status, time.monotonic() - started, NOTICE in body,
            started - run.phase_started,
        )  # fmt: skip
        with run.lock:
            run.samples.append(sample)


def centile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def report(run: Run) -> None:
    print(
        "\n| phase | requêtes | 5xx ou sans réponse | réponses de secours "
        "| recherche p50 / p95 / max (ms) | toutes p50 / max (ms) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for phase in ("avant", "pause", "après"):
        samples = [s for s in run.samples if s.phase == phase]
        search = [s.seconds * 1000 for s in samples if "search" in s.path or "recherche" in s.path]
        every = [s.seconds * 1000 for s in samples]
        errors = sum(1 for s in samples if s.status >= 500 or s.status == 0)
        fallback = sum(1 for s in samples if s.fallback)
        print(
            f"| {phase} | {len(samples)} | {errors} | {fallback} | "
            f"{statistics.median(search) if search else 0:.0f} / {centile(search, 0.95):.0f} / "
            f"{max(search, default=0):.0f} | "
            f"{statistics.median(every) if every else 0:.0f} / {max(every, default=0):.0f} |"
        )


def main() -> None:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="outage-bench-"))
    node = DevNode(work)
    server = None
    try:
        print("Nœud Elasticsearch de développement…", flush=True)
        node.start()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings",
            "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
            "DATA_DIR": str(work),
            "DEBUG": "0",
            "HTTPS": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECRET_KEY": "outage-bench-not-a-secret",
            "ELASTICSEARCH_URL": node.url,
            "SEARCH_INDEX_PREFIX": "outage-bench",
            "PAGE_CACHE_ENABLED": "0",  # every request reaches Django
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
        print("Base, démonstration et index…", flush=True)
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")  # DEBUG=0 serves the manifest's names
        manage(env, "load_content", str(ROOT / "cms" / "content" / "demo.json"))
        manage(env, "search_index", "rebuild")
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", "--insecure",
             f"127.0.0.1:{port}"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/", timeout=2).close()
                break
            except OSError:
                time.sleep(0.5)
        for path in PATHS:  # first hits compile templates and fill caches
            try:
                urllib.request.urlopen(base + urllib.parse.quote(path, safe="/?=&+"), timeout=30)
            except OSError:
                pass
        run = Run()
        readers = [
            threading.Thread(target=read, args=(base, run, offset), daemon=True)
            for offset in range(args.clients)
        ]
        for reader in readers:
            reader.start()
        print(
            f"Lecture : {args.before:.0f} s, nœud suspendu {args.pause:.0f} s, "
            f"{args.after:.0f} s après la reprise ({args.clients} lecteurs)…",
            flush=True,
        )
        time.sleep(args.before)
        run.phase, run.phase_started = "pause", time.monotonic()
        os.kill(node.process.pid, signal.SIGSTOP)
        time.sleep(args.pause)
        os.kill(node.process.pid, signal.SIGCONT)
        run.phase, run.phase_started = "après", time.monotonic()
        time.sleep(args.after)
        run.stop.set()
        for reader in readers:
            reader.join(timeout=40)
        report(run)
        slow = [s for s in run.samples if s.seconds > 1]
        print(f"\nRequêtes de plus d'une seconde : {len(slow)}")
        print(json.dumps(
            [(s.phase, f"{s.at:.1f} s", s.path, s.status, round(s.seconds * 1000))
             for s in sorted(slow, key=lambda s: -s.seconds)[:10]],
            ensure_ascii=False, indent=0))  # fmt: skip
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if node.process is not None and node.process.poll() is None:
            os.kill(node.process.pid, signal.SIGCONT)
        node.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
