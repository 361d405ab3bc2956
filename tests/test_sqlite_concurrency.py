"""SQLite under concurrent writes: two processes post the same forms at once (issue 16, item 1).

The embedded default is a SQLite file, so two server processes (gunicorn workers) write
to it at the same time. Each test below starts two processes of ``tests/sqlite_writer.py``
against one real SQLite file (not the suite's database, which is in memory on SQLite and
PostgreSQL in CI), lets them post a write form as fast as they can, and checks that no
request failed with a server error ("database is locked") and that what the database
holds afterwards is consistent. The file is migrated once for the module.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import COLLEGES
from tests.pages import dossier, dossier_tree
from tests.processes import wait_or_kill
from tests.sqlite_writer import REPLY

WRITER = Path(__file__).with_name("sqlite_writer.py")
POSTS = 15  # per process; odd, so that follow and registration end on "do", not "undo"
TIMEOUT = 120

CONTENT = {
    "colleges": COLLEGES,
    "users": [
        {"username": name, "password": "x-secret-1", "email": f"{name}@example.org",
         "colleges": ["acteurs-formation"], "roles": ["member"]}
        for name in ["ana", "ben", "chloe"]
    ] + [
        {"username": "ref", "password": "x-secret-1", "email": "ref@example.org",
         "colleges": ["acteurs-formation"], "roles": ["member", "referent"]},
        {"username": "coord", "password": "x-secret-1", "email": "coord@example.org",
         "colleges": ["acteurs-formation"], "roles": ["member", "coordination"]},
    ],
    **dossier_tree(
        dossier("dossier", "Dossier ouvert", "Accueil"),
        beside=(
            {"type": "event_index", "slug": "r", "title": "Rencontres", "children": [
                {"type": "event", "slug": "atelier", "title": "Atelier",
                 "start": "today+30T14:00", "capacity": 1},
            ]},
        ),
    ),
}  # fmt: skip


class Worker:
    """A serving process of tests/sqlite_writer.py, spoken to one JSON line at a time."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("w") as stderr:
            # Standard error goes to a file: a pipe nobody reads would fill up and block.
            self.process = subprocess.Popen(
                [sys.executable, str(WRITER), "serve"],
                cwd=settings.BASE_DIR,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        self.replies: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            if line.startswith(REPLY):
                self.replies.put(line[len(REPLY) :])
        self.replies.put("")  # the process ended

    def send(self, command: str, **arguments: object) -> None:
        self.process.stdin.write(json.dumps({"command": command, **arguments}) + "\n")
        self.process.stdin.flush()

    def receive(self) -> dict:
        try:
            line = self.replies.get(timeout=TIMEOUT)
        except queue.Empty:
            line = ""
        assert line, "the writer did not answer:\n" + self.log.read_text()[-5000:]
        return json.loads(line)

    def ask(self, command: str, **arguments: object) -> dict:
        self.send(command, **arguments)
        return self.receive()

    def stop(self) -> None:
        self.process.stdin.close()
        wait_or_kill(self.process)


@pytest.fixture(scope="module")
def writers(tmp_path_factory) -> Iterator[list[Worker]]:
    """Two writing processes on a migrated SQLite file with a few members, a dossier and
    a meeting of one place."""
    data_dir = tmp_path_factory.mktemp("sqlite-site")
    env = {
        # Whatever the suite runs on (PostgreSQL in CI), these processes use their own file.
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{data_dir / 'db.sqlite3'}",
        "DATA_DIR": str(data_dir),
        "MEDIA_ROOT": str(data_dir / "media"),
        "STATIC_ROOT": str(data_dir / "static"),
        # Background tasks and caches stay in the process, as on the embedded default.
        "TASKS_BACKEND": "",
        "PAGE_CACHE_BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    }
    content = data_dir / "content.json"
    content.write_text(json.dumps(CONTENT))
    result = subprocess.run(
        [sys.executable, str(WRITER), "setup", str(content)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    workers = [Worker(env, data_dir / f"writer-{number}.log") for number in (1, 2)]
    yield workers
    for worker in workers:
        worker.stop()


def write_at_once(workers: list[Worker], action: str, writers: list[tuple[str, str]]) -> list[dict]:
    """Each (username, label) posts the form of ACTION POSTS times, both starting together."""
    for worker, (username, label) in zip(workers, writers, strict=True):
        worker.send("prepare", action=action, username=username, label=label, count=POSTS)
    for worker in workers:
        assert worker.receive() == {"ready": True}
    for worker in workers:
        worker.send("go")
    return [worker.receive() for worker in workers]


def database_state(workers: list[Worker]) -> dict:
    return workers[0].ask("state")


def assert_all_redirected(results: list[dict]) -> None:
    """Every post was a success: no 500, and no form sent back (which would write nothing)."""
    for result in results:
        assert result["errors"] == [], result["errors"]
        assert result["statuses"] == [302] * POSTS, result["statuses"]


def test_the_sqlite_file_is_opened_in_wal_mode_with_immediate_transactions(writers):
    state = database_state(writers)
    assert state["journal_mode"] == "wal"
    assert state["transaction_mode"] == "IMMEDIATE"


def test_one_member_saving_their_profile_from_two_processes_gets_no_error(writers):
    # The case: the same member saves « Mon profil » twice in the same second.
    results = write_at_once(writers, "profile", [("ana", "un"), ("ana", "deux")])
    assert_all_redirected(results)
    profile = database_state(writers)["profiles"]["ana"]
    # One save or the other, never a mix of both.
    label = profile["fonction"]
    assert label in {"un", "deux"}
    assert profile["address"] == f"1 rue {label}"
    assert profile["expertise"] == sorted(
        [f"{label} logement", f"{label} accès aux droits", f"{label} mobilité"]
    )


def test_two_members_following_and_unfollowing_a_dossier_at_once_get_no_error(writers):
    results = write_at_once(writers, "follow", [("ana", "un"), ("ben", "deux")])
    assert_all_redirected(results)
    follows = [row for row in database_state(writers)["follows"] if row[0] in {"ana", "ben"}]
    assert follows == [["ana", "dossier"], ["ben", "dossier"]]


def test_one_member_following_from_two_processes_follows_once(writers):
    results = write_at_once(writers, "follow", [("chloe", "un"), ("chloe", "deux")])
    assert_all_redirected(results)
    follows = [row for row in database_state(writers)["follows"] if row[0] == "chloe"]
    assert follows == [["chloe", "dossier"]]


def test_registering_and_cancelling_at_once_never_overbooks_the_meeting(writers):
    # One place, two members registering and cancelling in turn: whoever is last to
    # register while the place is taken waits; the place is never given twice.
    results = write_at_once(writers, "register", [("ana", "un"), ("ben", "deux")])
    assert_all_redirected(results)
    state = database_state(writers)
    assert state["capacity"] == 1
    assert sorted(status for _, status in state["registrations"]) == ["confirmed", "waiting"]
    assert sorted(username for username, _ in state["registrations"]) == ["ana", "ben"]


def test_two_members_proposing_to_one_dossier_at_once_get_every_proposal_recorded(writers):
    # Each proposal adds a page under the same dossier (a tree path chosen from its last
    # child), a file, a revision and a workflow: the writes must not interleave.
    results = write_at_once(writers, "propose", [("ana", "un"), ("ben", "deux")])
    assert_all_redirected(results)
    state = database_state(writers)
    expected = sorted(
        f"Proposition {label} {number}" for label in ("un", "deux") for number in range(POSTS)
    )
    assert state["proposal_titles"] == expected
    assert state["proposals"] == 2 * POSTS
    assert state["dossier_numchild"] == state["dossier_children"] == 2 * POSTS
    assert state["tree_problems"] == [[], [], [], [], []]
