"""The files of deploy/ are real: nginx accepts the site, systemd the units (issue 13)."""

from __future__ import annotations

import runpy
import subprocess
from pathlib import Path

import pytest

from tests.deploy_stack import (
    BASE_DIR,
    DEPLOY,
    free_port,
    need,
    nginx_command,
    nginx_main_config,
    nginx_site,
    self_signed_certificate,
)

UNITS = sorted((DEPLOY / "systemd").glob("intranet-*"))
TIMERS = [unit for unit in UNITS if unit.suffix == ".timer"]


def test_nginx_accepts_the_site(tmp_path):
    certificate = self_signed_certificate(tmp_path)
    site = nginx_site([free_port()], free_port(), free_port(), tmp_path, certificate)
    config = nginx_main_config(tmp_path, site)
    result = subprocess.run(nginx_command(tmp_path, config, "-t"), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def installed_units(tmp_path: Path) -> list[Path]:
    """The units as installed from this checkout: /srv/intranet is where it lives."""
    copies = []
    for unit in UNITS:
        copy = tmp_path / unit.name
        copy.write_text(unit.read_text().replace("/srv/intranet", str(BASE_DIR)))
        copies.append(copy)
    return copies


def test_systemd_accepts_every_unit_without_a_warning(tmp_path):
    verify = need("systemd-analyze")
    result = subprocess.run(
        [verify, "verify", *map(str, installed_units(tmp_path))], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    # Unknown keys and bad values are only warnings to systemd: here they are errors.
    assert result.stderr.strip() == "" and result.stdout.strip() == "", result.stderr


@pytest.mark.parametrize("timer", TIMERS, ids=lambda path: path.name)
def test_each_timer_starts_a_service_of_its_own_name(timer):
    assert timer.with_suffix(".service").exists()


@pytest.mark.parametrize(
    "command",
    [
        "send_digests",
        "anonymise_former_members",
        "search_index reconcile",
        "clearsessions",
        "send_queued_emails",
        "worker_heartbeat",
    ],
)
def test_each_scheduled_job_has_a_timer(command):
    services = [timer.with_suffix(".service").read_text() for timer in TIMERS]
    assert any(f"manage.py {command}\n" in service for service in services)


def test_the_worker_runs_db_worker():
    assert "manage.py db_worker\n" in (DEPLOY / "systemd" / "intranet-worker.service").read_text()


def test_gunicorn_settings_take_the_address_and_workers_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9123")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    values = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert values["bind"] == "127.0.0.1:9123"
    assert values["workers"] == 3
    assert values["wsgi_app"] == "cms.wsgi:application"
    # Paths may carry tokens: Django logs the route of each request, gunicorn nothing.
    assert values["accesslog"] is None


def test_compose_runs_official_images_and_the_same_nginx_site():
    # No Docker engine here: the file is read, not run (deploy/README.md says so).
    compose = (DEPLOY / "compose" / "compose.yaml").read_text()
    for image in ("postgres:16", "docker.elastic.co/elasticsearch/elasticsearch:8.", "redis:7"):
        assert f"image: {image}" in compose
    assert 'xpack.security.enabled: "true"' in compose
    assert "../nginx/intranet.conf:/etc/nginx/conf.d/default.conf:ro" in compose
    # nginx reaches gunicorn on 127.0.0.1:8000, as the site file says, through web's network.
    assert "network_mode: service:web" in compose and "GUNICORN_BIND: 127.0.0.1:8000" in compose
    assert 'command: ["python", "manage.py", "db_worker"]' in compose
