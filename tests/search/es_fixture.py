"""Elasticsearch for the search tests: ELASTICSEARCH_URL, or the dev node of deploy/elasticsearch.

Without ELASTICSEARCH_URL the session starts its own node (``run.sh run`` on a free port, data
in a temporary directory) and stops it at the end, by its process id. The node is started with
``run`` rather than ``start`` because ``start``/``stop`` keep one PID file in
``deploy/elasticsearch/target/``: two sessions at once (two developers, two CI jobs on one
machine) would refuse to start, or one would stop the other's node.

If Elasticsearch cannot be reached or started, tests that need it are skipped, except under
``CI=true``, where they fail: CI must run the contract suite on both stores.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from search.stores.elasticsearch import ElasticsearchStore
from tests.processes import wait_or_kill

RUN_SH = Path(__file__).resolve().parents[2] / "deploy" / "elasticsearch" / "run.sh"
IN_CI = os.environ.get("CI", "").lower() == "true"
BUILD_TIMEOUT = 900
START_TIMEOUT = int(os.environ.get("ES_START_TIMEOUT", "120"))


def unavailable(reason: str):
    message = f"Elasticsearch unavailable: {reason}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: tests that need Elasticsearch must run)", pytrace=False)
    pytest.skip(message)


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health", timeout=3) as response:
            return json.load(response).get("status") in ("green", "yellow")
    except (OSError, ValueError, urllib.error.URLError):
        return False


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A free HTTP port whose transport port (HTTP + 100, see run.sh) is free too."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port + 100 < 65536 and port_is_free(port + 100):
            return port
    raise RuntimeError("no free port pair for Elasticsearch")


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class DevNode:
    """One dev node owned by this session, known by its process id."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "es.log"
        self.env = {
            **os.environ,
            "ES_PORT": str(self.port),
            "ES_DATA_DIR": str(workdir / "data"),
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        build = subprocess.run(
            [str(RUN_SH), "build"],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT,
        )
        if build.returncode:
            raise RuntimeError(f"run.sh build failed:\n{build.stdout}{build.stderr}")
        with self.log.open("wb") as log:
            # run.sh run execs the JVM: the process id is the node's.
            self.process = subprocess.Popen(
                [str(RUN_SH), "run"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the node exited during start-up:\n{tail(self.log)}")
            if healthy(self.url):
                return
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"no answer from {self.url} after {START_TIMEOUT} s:\n{tail(self.log)}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        wait_or_kill(self.process)


@pytest.fixture(scope="session")
def elasticsearch_server(tmp_path_factory):
    """Base URL of an Elasticsearch 8 node for this test session."""
    url = os.environ.get("ELASTICSEARCH_URL", "").rstrip("/")
    if url:
        if not healthy(url):
            unavailable(f"ELASTICSEARCH_URL={url} does not answer /_cluster/health")
        yield url
        return
    node = DevNode(tmp_path_factory.mktemp("elasticsearch"))
    try:
        node.start()
    except (OSError, RuntimeError, subprocess.SubprocessError) as error:
        node.stop()
        unavailable(f"could not start the dev node with {RUN_SH}: {error}")
    try:
        yield node.url
    finally:
        node.stop()


@pytest.fixture
def elasticsearch_store(elasticsearch_server):
    """A store on indices of its own (``test-<8 hex>``), deleted after the test."""
    # The site's short timeouts suit a page; a bulk call of a very long document on a loaded CI
    # machine can take longer, and a test must not fail on the machine's load.
    store = ElasticsearchStore(
        elasticsearch_server, index_prefix=f"test-{uuid.uuid4().hex[:8]}", timeout=60
    )
    yield store
    found = store.client.options(ignore_status=404).indices.get(index=f"{store.alias}-v*")
    if found.meta.status == 200 and found.body:
        # Names, not a wildcard: Elasticsearch 8 refuses wildcard deletes by default.
        store.client.indices.delete(index=",".join(sorted(found.body)))
    store.client.close()
