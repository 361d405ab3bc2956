"""The production stack on loopback, for the deployment tests (tests/test_deploy_*.py).

Debian's redis-server and nginx, gunicorn from the project's dependencies, each started
in a temporary folder on free ports of 127.0.0.1 and stopped after the tests. The nginx
site and the gunicorn settings are the files of ``deploy/``, with only the addresses,
certificate and folders replaced (each replacement must match, so that an edit of the
deployed files cannot leave the tests behind). Missing programs skip the tests, except
under ``CI=true`` where they fail: CI installs them (.ci/run).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connections

from tests.deploy_site import REPLY
from tests.processes import wait_or_kill

BASE_DIR = Path(settings.BASE_DIR)
SITE_SCRIPT = Path(__file__).with_name("deploy_site.py")
DEPLOY = BASE_DIR / "deploy"
IN_CI = os.environ.get("CI", "").lower() == "true"
START_TIMEOUT = 60
# Loopback only: no proxy from the environment.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def need(program: str) -> str:
    """The path of a program the test needs; without it: skipped, or failed under CI."""
    path = shutil.which(program) or next(
        (str(p) for p in (Path("/usr/sbin") / program, Path(sys.prefix) / "bin" / program)
         if p.exists()),
        None,
    )  # fmt: skip
    if path is None:
        message = f"{program} is not installed"
        if IN_CI:
            pytest.fail(f"{message} (CI=true: .ci/run must install it)", pytrace=False)
        pytest.skip(message)
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}:\n{tail(log)}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port} after {START_TIMEOUT} s:\n{tail(log)}")


def tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


class Service:
    """A program run in the background, its output in a log file."""

    def __init__(
        self,
        command: list[str],
        log: Path,
        env: dict[str, str] | None = None,
        stop_signal: int = signal.SIGTERM,
    ):
        self.log = log
        self.stop_signal = stop_signal
        with log.open("w") as output:
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
            )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(self.stop_signal)
            wait_or_kill(self.process)


def start_redis(workdir: Path) -> tuple[Service, str]:
    port = free_port()
    command = [need("redis-server"), "--port", str(port), "--bind", "127.0.0.1",
               "--save", "", "--appendonly", "no", "--dir", str(workdir)]  # fmt: skip
    service = Service(command, workdir / "redis.log")
    wait_for_port(port, service.process, service.log)
    return service, f"redis://127.0.0.1:{port}/0"


def start_gunicorn(env: dict[str, str], workdir: Path, name: str) -> tuple[Service, int]:
    """One gunicorn process (one worker) with deploy/gunicorn.conf.py; not waited for."""
    port = free_port()
    command = [need("gunicorn"), "-c", str(DEPLOY / "gunicorn.conf.py")]
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"}
    # SIGINT: the quick shutdown (SIGTERM waits for nginx's idle keep-alive connections).
    return Service(command, workdir / f"{name}.log", env, stop_signal=signal.SIGINT), port


def wait_until_answering(url: str, service: Service) -> None:
    """Wait for the worker behind a port to answer (it loads Django after the bind)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            raise RuntimeError(f"exited with {service.process.returncode}:\n{tail(service.log)}")
        try:
            with DIRECT.open(url, timeout=START_TIMEOUT) as response:
                response.read()
            return
        except urllib.error.HTTPError:
            return  # an answer all the same
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} does not answer after {START_TIMEOUT} s:\n{tail(service.log)}")


def self_signed_certificate(workdir: Path) -> tuple[Path, Path]:
    certificate, key = workdir / "cert.pem", workdir / "key.pem"
    subprocess.run(
        [need("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    return certificate, key


def replace_once(text: str, old: str, new: str) -> str:
    assert old in text, f"deploy/nginx/intranet.conf no longer contains {old!r}"
    return text.replace(old, new)


def nginx_site(
    upstreams: list[int], http_port: int, https_port: int, data_dir: Path, cert: tuple[Path, Path]
) -> str:
    """deploy/nginx/intranet.conf on loopback ports, with a test certificate and folders."""
    site = (DEPLOY / "nginx" / "intranet.conf").read_text()
    servers = "\n".join(f"    server 127.0.0.1:{port};" for port in upstreams)
    site = replace_once(site, "    server 127.0.0.1:8000;", servers)
    site = replace_once(site, "    listen [::]:80;\n", "")
    site = replace_once(site, "    listen [::]:443 ssl http2;\n", "")
    site = replace_once(site, "listen 80;", f"listen 127.0.0.1:{http_port};")
    site = replace_once(site, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    site = replace_once(site, "/etc/ssl/intranet/fullchain.pem", str(cert[0]))
    site = replace_once(site, "/etc/ssl/intranet/privkey.pem", str(cert[1]))
    return replace_once(site, "/srv/intranet/var/", f"{data_dir}/")


def nginx_main_config(workdir: Path, site: str) -> Path:
    """A main nginx.conf around the site: Debian's mime types, files in workdir."""
    (workdir / "intranet.conf").write_text(site)
    temp = {name: workdir / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for folder in temp.values():
        folder.mkdir(exist_ok=True)
    # As root, workers would run as "nobody", who cannot read pytest's private folders.
    user = "user root;" if os.geteuid() == 0 else ""
    config = workdir / "nginx.conf"
    config.write_text(f"""
{user}
daemon off;
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {workdir}/access.log;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {workdir}/intranet.conf;
}}
""")
    return config


def nginx_command(workdir: Path, config: Path, *extra: str) -> list[str]:
    return [need("nginx"), "-e", str(workdir / "error.log"), "-p", str(workdir),
            "-c", str(config), *extra]  # fmt: skip


def start_nginx(workdir: Path, config: Path, port: int) -> Service:
    service = Service(nginx_command(workdir, config), workdir / "nginx.log")
    wait_for_port(port, service.process, workdir / "error.log")
    return service


def database_url(name: str) -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


def admin_connection() -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname="postgres", user=db["USER"], password=db["PASSWORD"], host=db["HOST"],
        port=db["PORT"] or 5432, autocommit=True,
    )  # fmt: skip


def copy_test_database(django_db_blocker, suffix: str = "stack") -> str:
    """A copy of the migrated test database, for the stack's processes."""
    source = connections["default"].settings_dict["NAME"]
    target = f"{source}_{suffix}"
    with django_db_blocker.unblock():
        # PostgreSQL copies a database nobody is connected to.
        connections.close_all()
        with admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}"')
            admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    return target


def drop_database(name: str) -> None:
    with admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class SiteChanger:
    """tests/deploy_site.py, a third process that changes the site, one command a line."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("w") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, str(SITE_SCRIPT)],
                cwd=BASE_DIR, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=stderr, text=True,
            )  # fmt: skip

    def send(self, command: str) -> None:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def receive(self) -> object:
        for line in self.process.stdout:
            if line.startswith(REPLY):
                return json.loads(line[len(REPLY) :])
        raise AssertionError("tests/deploy_site.py stopped:\n" + tail(self.log))

    def ask(self, command: str) -> object:
        self.send(command)
        return self.receive()

    def stop(self) -> None:
        self.process.stdin.close()
        wait_or_kill(self.process)
