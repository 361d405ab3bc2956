#!/usr/bin/env python
"""HTTP figures beside a bare Django view and Wagtail's bakerydemo (a script, not a test).

    .venv/bin/python tests/bench/http_bench.py                        # SQLite, database search
    .venv/bin/python tests/bench/http_bench.py --es-url http://127.0.0.1:9200 \\
        --bakerydemo /tmp/bakerydemo --repeat 3

Every server is one gunicorn with two sync workers on 127.0.0.1, and each page is read
by ``wrk -t1 -c2`` (``--connections``) for ``--duration`` seconds after one second of
warm-up; the table gives wrk's median latency (p50), its p99 and requests per second,
the median over ``--repeat`` passes (each pass reads every page in turn, so a slow
moment of the machine touches all of them alike).

- The intranet: the demo (``cms/content/demo.json``) plus a members-only dossier of
  50 contributions and the people who wrote them, migrated and loaded by the script into
  ``--database-url`` (a SQLite file in /tmp by default, removed at the end), ``DEBUG=0``,
  its page cache in one Redis shared by both workers (``redis-server`` started by the
  script). Search answers from the database store, or from Elasticsearch at ``--es-url``
  (indices ``http-bench-<hex>``, deleted at the end).
- A bare Django view (``tests/bench/bare_django.py``): no middleware, no database.
- With ``--bakerydemo DIR``: Wagtail's demo site, set up in DIR beforehand by
  ``tests/bench/bakerydemo.sh DIR`` (its own virtualenv; its code stays there).

Needs ``wrk`` (Debian package ``wrk``) and ``redis-server``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.load_bench import (  # noqa: E402 (the checkout on the path first)
    PASSWORD,
    refuse_unless_loopback,
    site_environment,
)
from tests.bench.page_bench import (  # noqa: E402
    check_database_url,
    remove_sqlite,
    sqlite_path,
    step,
)

DEFAULT_DATABASE_URL = "sqlite:////tmp/http-bench.sqlite3"
DEMO_CONTENT = ROOT / "cms" / "content" / "demo.json"
MEMBER = "membre"
DOSSIER_SIZE = 50
DOSSIER_SLUG = "dossier-de-cinquante-contributions"
SEARCHED = "numérique"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=8, help="secondes par page (8)")
    parser.add_argument("--connections", type=int, default=2, help="connexions de wrk (2)")
    parser.add_argument("--repeat", type=int, default=1, help="passes sur toutes les pages (1)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--es-url", default="", help="Elasticsearch pour la recherche")
    parser.add_argument("--bakerydemo", type=Path, help="bakerydemo installé (bakerydemo.sh)")
    return parser.parse_args(argv)


# --- Content ------------------------------------------------------------------------------


def dossier_of_fifty() -> dict:
    """A members-only dossier of 50 contributions under paca, and their authors."""
    # The query-count tests' content (they need pytest, a dev dependency).
    from tests.test_query_counts import (
        EXTRA_MEMBERS,
        MEASURED_DOSSIER,
        _child,
        _without_children,
        extra_contribution,
        extra_people,
    )

    def contribution(index: int) -> dict:
        authors = [f"personne{(index + step) % EXTRA_MEMBERS:02}" for step in (0, 1)]
        return {**extra_contribution(index), "authors": authors}

    demo = json.loads(DEMO_CONTENT.read_text(encoding="utf-8"))
    paca = next(page for page in demo["pages"] if page["slug"] == "paca")
    dossiers = _child(paca, "dossiers")
    dossier = {
        **_without_children(_child(dossiers, MEASURED_DOSSIER)),
        "slug": DOSSIER_SLUG,
        "title": "Dossier de cinquante contributions",
        "visibility": "members",
        "children": [contribution(index) for index in range(DOSSIER_SIZE)],
    }
    tree = {**_without_children(dossiers), "children": [dossier]}
    return {**extra_people(), "pages": [{**_without_children(paca), "children": [tree]}]}


@dataclass
class Paths:
    dossier: str
    contribution: str


def prepare_site() -> Paths:
    from django.core.management import call_command

    from cms.content_loader import ContentLoader
    from cms.models import ContributionPage, DossierPage, HomePage
    from search.indexing import sync_subtree

    step("Migration", lambda: call_command("migrate", interactive=False, verbosity=0))
    step(
        "collectstatic (répertoire temporaire)",
        lambda: call_command("collectstatic", interactive=False, verbosity=0),
    )
    step("Contenu de démonstration", lambda: ContentLoader.from_file(DEMO_CONTENT).load())
    step(
        f"Dossier de {DOSSIER_SIZE} contributions",
        lambda: ContentLoader(dossier_of_fifty()).load(),
    )
    step("Index de recherche", lambda: sync_subtree(HomePage.objects.get()))
    dossier = DossierPage.objects.get(slug=DOSSIER_SLUG)
    contribution = ContributionPage.objects.child_of(dossier).live().first()
    assert contribution is not None and dossier.url and contribution.url
    return Paths(dossier=dossier.url, contribution=contribution.url)


# --- Servers ------------------------------------------------------------------------------


def start_servers(workdir: Path, env: dict[str, str], bakerydemo: Path | None) -> dict:
    """name -> (service, base URL): the intranet, the bare view, bakerydemo if given."""
    from tests.deploy_stack import Service, free_port, need, wait_until_answering

    def gunicorn(name: str, command: list[str], environment: dict[str, str], cwd: Path):
        port = free_port()
        bind = ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--chdir", str(cwd)]
        service = Service(
            [*command, *bind], workdir / f"{name}.log", environment, stop_signal=signal.SIGINT
        )
        return service, f"http://127.0.0.1:{port}"

    gunicorn_program = need("gunicorn")
    servers = {
        "intranet": gunicorn(
            "intranet",
            [gunicorn_program, "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
            env,
            ROOT,
        ),
        "django": gunicorn(
            "django",
            [gunicorn_program, "tests.bench.bare_django:application"],
            {key: value for key, value in env.items() if key != "DJANGO_SETTINGS_MODULE"},
            ROOT,
        ),
    }
    if bakerydemo is not None:
        servers["bakerydemo"] = gunicorn(
            "bakerydemo",
            [str(bakerydemo / ".venv" / "bin" / "gunicorn"), "bakerydemo.wsgi:application"],
            bakerydemo_environment(bakerydemo),
            bakerydemo,
        )
    for name, (service, base) in servers.items():
        wait_until_answering(f"{base}/sante/" if name == "intranet" else f"{base}/", service)
    return servers


def bakerydemo_environment(directory: Path) -> dict[str, str]:
    return {
        "PATH": f"{directory / '.venv' / 'bin'}:{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "bakerydemo.settings.production",
        "DJANGO_SECRET_KEY": "bakerydemo-bench-not-a-secret-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_NAME": str(directory / "bakerydemodb"),
        "SECURE_SSL_REDIRECT": "False",  # plain HTTP on loopback, as the intranet here
    }


# --- Measures -----------------------------------------------------------------------------


@dataclass
class Case:
    label: str
    server: str
    path: str
    member: bool = False
    p50: list[float] = field(default_factory=list)  # milliseconds, one per pass
    p99: list[float] = field(default_factory=list)
    rate: list[float] = field(default_factory=list)  # requests per second
    size: int = 0
    error: str = ""


def cases(paths: Paths, with_bakerydemo: bool) -> list[Case]:
    query = urlencode({"q": SEARCHED})
    listed = [
        Case("vue Django nue (référence)", "django", "/"),
        # Every middleware of the intranet, no database, no cache: what a hit builds on.
        Case("/sante/ (contrôle de vie), anonyme", "intranet", "/sante/"),
        Case("accueil, anonyme (cache partagé, Redis)", "intranet", "/"),
        Case(f"dossier de {DOSSIER_SIZE} contributions, membre", "intranet", paths.dossier, True),
        Case("contribution, membre", "intranet", paths.contribution, True),
        Case("accueil, membre", "intranet", "/", True),
        Case(f"recherche « {SEARCHED} », membre", "intranet", f"/recherche/?{query}", True),
        Case(f"/api/search/ « {SEARCHED} », membre", "intranet", f"/api/search/?{query}", True),
    ]
    if with_bakerydemo:
        listed.append(Case("bakerydemo : index du blog, anonyme", "bakerydemo", "/blog/"))
    return listed


_DURATION = re.compile(r"([\d.]+)(us|ms|s)\b")
_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def milliseconds(text: str) -> float:
    match = _DURATION.fullmatch(text.strip())
    if not match:
        raise ValueError(f"durée de wrk illisible : {text!r}")
    return float(match.group(1)) * _UNIT[match.group(2)]


@dataclass
class WrkRun:
    p50: float
    p99: float
    rate: float
    requests: int
    not_ok: int  # answers other than 2xx / 3xx
    socket_errors: str


def parse_wrk(output: str) -> WrkRun:
    def line(pattern: str) -> re.Match:
        found = re.search(pattern, output, re.MULTILINE)
        if not found:
            raise ValueError(f"sortie de wrk sans « {pattern} » :\n{output}")
        return found

    not_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)$", output, re.MULTILINE)
    return WrkRun(
        p50=milliseconds(line(r"^\s+50%\s+(\S+)").group(1)),
        p99=milliseconds(line(r"^\s+99%\s+(\S+)").group(1)),
        rate=float(line(r"^Requests/sec:\s+([\d.]+)").group(1)),
        requests=int(line(r"^\s+(\d+) requests in").group(1)),
        not_ok=int(not_ok.group(1)) if not_ok else 0,
        socket_errors=errors.group(1).strip() if errors else "",
    )


def wrk(url: str, seconds: int, connections: int, cookie: str) -> WrkRun:
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
        "-H", "Host: 127.0.0.1",
    ]  # fmt: skip
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    done = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 30, check=True
    )
    return parse_wrk(done.stdout)


def member_cookie(base: str) -> str:
    from tests.http_sessions import sign_in

    session, status = sign_in(base, MEMBER, PASSWORD)
    if status != 302:
        sys.exit(f"{MEMBER} n'a pas pu se connecter ({status}).")
    return "; ".join(f"{name}={value}" for name, value in session.cookies.items())


def check_page(url: str, cookie: str) -> int:
    """The page answers 200 to this reader: its size in bytes."""
    from tests.http_sessions import browser

    session = browser()
    if cookie:
        session.headers["Cookie"] = cookie
    response = session.get(url, timeout=30, allow_redirects=False)
    if response.status_code != 200:
        raise RuntimeError(f"{url} : {response.status_code}")
    return len(response.content)


def measure(listed: list[Case], servers: dict, args: argparse.Namespace) -> None:
    cookie = member_cookie(servers["intranet"][1])
    for case in listed:
        case.size = check_page(servers[case.server][1] + case.path, cookie if case.member else "")
    for number in range(1, args.repeat + 1):
        print(f"Passe {number} / {args.repeat}", flush=True)
        for case in listed:
            url = servers[case.server][1] + case.path
            reader = cookie if case.member else ""
            wrk(url, 1, args.connections, reader)  # warm-up: caches, connections, imports
            run = wrk(url, args.duration, args.connections, reader)
            if run.not_ok or run.socket_errors:
                case.error = f"{run.not_ok} réponses en erreur, sockets : {run.socket_errors}"
            case.p50.append(run.p50)
            case.p99.append(run.p99)
            case.rate.append(run.rate)
            print(
                f"  {case.label:<48} p50 {run.p50:7.2f} ms  p99 {run.p99:7.2f} ms"
                f"  {run.rate:8.1f} req/s  ({run.requests} requêtes)",
                flush=True,
            )


def table(listed: list[Case]) -> str:
    reference = next(case for case in listed if case.server == "django")
    blog = next((case for case in listed if case.server == "bakerydemo"), None)
    lines = [
        "| page | p50 (ms) | p99 (ms) | req/s | × vue nue | × blog bakerydemo | octets |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    base = statistics.median(reference.p50)
    for case in listed:
        p50 = statistics.median(case.p50)
        versus_blog = f"{p50 / statistics.median(blog.p50):.2f}" if blog else "—"
        error = f" ({case.error})" if case.error else ""
        lines.append(
            f"| {case.label}{error} | {p50:.2f} | {statistics.median(case.p99):.2f} "
            f"| {statistics.median(case.rate):.0f} | {p50 / base:.1f} | {versus_blog} "
            f"| {case.size} |"
        )
    return "\n".join(lines)


def machine(args: argparse.Namespace, store: str) -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return (
        f"{datetime.date.today().isoformat()}, commit {commit}, {os.cpu_count()} cœurs ({cpu}), "
        f"Python {platform.python_version()}, SQLite, recherche : {store}, "
        f"wrk -t1 -c{args.connections} -d{args.duration}s, médiane de {args.repeat} passe(s), "
        f"charge au départ {os.getloadavg()[0]:.2f}"
    )


# --- Main ---------------------------------------------------------------------------------


def delete_indices(es_url: str, prefix: str) -> None:
    from elasticsearch import Elasticsearch

    client = Elasticsearch(es_url, request_timeout=30)
    # By name: a node may refuse to delete by wildcard (action.destructive_requires_name).
    names = list(client.options(ignore_status=404).indices.get(index=f"{prefix}*").body)
    if names:
        client.indices.delete(index=",".join(names))


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk manque (paquet Debian « wrk »).")
    if args.bakerydemo and not (args.bakerydemo / ".venv" / "bin" / "gunicorn").exists():
        sys.exit(f"{args.bakerydemo} : lancez d'abord tests/bench/bakerydemo.sh {args.bakerydemo}")
    check_database_url(args.database_url)
    refuse_unless_loopback(args.database_url, "la base")
    sqlite = sqlite_path(args.database_url)
    if sqlite is None:
        sys.exit("Ce banc compare sur SQLite : --database-url sqlite:////…")
    if args.es_url:
        refuse_unless_loopback(args.es_url, "Elasticsearch")
    remove_sqlite(sqlite)  # a file left by an interrupted run
    workdir = Path(tempfile.mkdtemp(prefix="http-bench-"))
    prefix = f"http-bench-{uuid.uuid4().hex[:8]}"
    env = site_environment(args.database_url, workdir / "var")
    env.update({"ELASTICSEARCH_URL": args.es_url, "SEARCH_INDEX_PREFIX": prefix})
    os.environ.update(env)
    import django

    django.setup()
    from tests.deploy_stack import start_redis

    services = []
    try:
        redis, redis_url = start_redis(workdir)
        services.append(redis)
        os.environ["REDIS_URL"] = redis_url
        paths = prepare_site()
        servers = start_servers(workdir, dict(os.environ), args.bakerydemo)
        services.extend(service for service, _ in servers.values())
        listed = cases(paths, args.bakerydemo is not None)
        measure(listed, servers, args)
        store = "Elasticsearch" if args.es_url else "base de données"
        print(f"\n{machine(args, store)}\n\n{table(listed)}")
    finally:
        for service in reversed(services):
            service.stop()
        remove_sqlite(sqlite)
        if args.es_url:
            delete_indices(args.es_url, prefix)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
