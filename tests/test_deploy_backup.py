"""Backups: deploy/backup.sh then deploy/restore.sh give back the same site (issue 13).

The site is a copy of the test database with the content of tests/deploy_site.py and its
files; it is backed up, wiped (an empty database, an empty MEDIA_ROOT), restored, and
must hold the same pages, accounts, documents (bytes included) and search results.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.deploy_stack import (
    DEPLOY,
    SiteChanger,
    admin_connection,
    copy_test_database,
    database_url,
    drop_database,
    need,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def site_state(env: dict[str, str], log: Path) -> dict:
    changer = SiteChanger(env, log)
    try:
        return changer.ask("state")
    finally:
        changer.stop()


def run(script: str, folder: Path, env: dict[str, str]) -> None:
    result = subprocess.run(
        [str(DEPLOY / script), str(folder)], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def site(django_db_blocker, tmp_path):
    for program in ("pg_dump", "pg_restore"):
        need(program)
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("backups are PostgreSQL dumps (DATABASE_URL)")
    database = copy_test_database(django_db_blocker, "backup")
    data = tmp_path / "var"
    (data / "media").mkdir(parents=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(database),
        "DATA_DIR": str(data),
        "MEDIA_ROOT": str(data / "media"),
        "ELASTICSEARCH_URL": "",
        "PYTHON": sys.executable,
    }
    changer = SiteChanger(env, tmp_path / "load.log")
    try:
        changer.ask("load")
        before = changer.ask("state")
    finally:
        changer.stop()
    try:
        yield env, database, data, before
    finally:
        drop_database(database)


def wipe(database: str, media: Path) -> None:
    drop_database(database)
    with admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    for path in sorted(media.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()


def test_a_restored_backup_gives_back_the_same_site(site, tmp_path):
    env, database, data, before = site
    backup = tmp_path / "sauvegarde"
    run("backup.sh", backup, env)
    assert {path.name for path in backup.iterdir()} >= {"database.dump", "media.tar.gz"}
    wipe(database, data / "media")
    assert not any((data / "media").iterdir())
    run("restore.sh", backup, env)
    after = site_state(env, tmp_path / "state.log")
    assert after == before
    assert before["documents"] and before["search"] and len(before["accounts"]) >= 2
