"""The production stack on loopback: nginx in front of two gunicorn processes sharing one
PostgreSQL database, one Redis and one Elasticsearch node (issue 13).

nginx (deploy/nginx/intranet.conf, TLS and HTTP/2) balances two gunicorn processes
(deploy/gunicorn.conf.py); files go out by X-Accel-Redirect once Django has checked the
reader. The site lives in a copy of the test database, so that the servers and the
processes of tests/deploy_site.py, which publish and restrict, see the same rows; the
test process itself never writes to it. The Elasticsearch node is the stack's own, so
that a test can stop it while editors publish and start it again.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import requests
from django.conf import settings

from tests.deploy_site import PASSWORD, PUBLIC_BYTES, RESTRICTED_BYTES
from tests.deploy_stack import (
    Service,
    SiteChanger,
    copy_test_database,
    database_url,
    drop_database,
    free_port,
    need,
    nginx_main_config,
    nginx_site,
    self_signed_certificate,
    start_gunicorn,
    start_nginx,
    start_redis,
    wait_until_answering,
)
from tests.http_sessions import browser, sign_in
from tests.search.es_fixture import DevNode, unavailable

# The marker has pytest-django create the test database, which the stack copies.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    # The test certificate is self-signed, and unverified on purpose.
    pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning"),
]


CACHE_HEADER = "X-Page-Cache"
OUTAGE_PUBLISHES = 50


@dataclass
class Stack:
    https: str  # nginx
    http: str  # nginx, plain HTTP (redirects)
    processes: list[str]  # each gunicorn process, straight
    urls: dict[str, str]
    changer: SiteChanger
    elasticsearch: DevNode
    env: dict[str, str]
    workdir: object

    def change(self, *arguments: str) -> None:
        assert self.changer.ask(" ".join(arguments)) == "ok"


def start_elasticsearch(node: DevNode) -> None:
    try:
        node.start()
    except (OSError, RuntimeError, subprocess.SubprocessError) as error:
        node.stop()
        unavailable(f"could not start the stack's node: {error}")


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Stack]:
    for program in ("nginx", "redis-server", "gunicorn", "openssl", "curl"):
        need(program)
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("the processes share a PostgreSQL database (DATABASE_URL)")
    workdir = tmp_path_factory.mktemp("deploy")
    data = workdir / "var"
    (data / "media").mkdir(parents=True)
    (data / "static" / "css").mkdir(parents=True)
    (data / "static" / "css" / "essai.css").write_text("body { color: black; }\n")
    database = copy_test_database(django_db_blocker)
    services: list[Service] = []
    changer = None
    elasticsearch = DevNode(workdir)
    # The node takes the longest to start: it starts while the rest does.
    starting = ThreadPoolExecutor(max_workers=1).submit(start_elasticsearch, elasticsearch)
    try:
        redis, redis_url = start_redis(workdir)
        services.append(redis)
        https_port, http_port = free_port(), free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database_url(database),
            "CONN_MAX_AGE": "0",
            "REDIS_URL": redis_url,
            "DATA_DIR": str(data),
            "MEDIA_ROOT": str(data / "media"),
            "STATIC_ROOT": str(data / "static"),
            "MEDIA_ACCEL_REDIRECT": "/_fichiers/",
            "BEHIND_PROXY": "1",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{https_port}",
            "SECRET_KEY": "cle-de-test-du-deploiement-" + "x" * 40,
            "STACK_ELASTICSEARCH_URL": elasticsearch.url,
            "SEARCH_INDEX_PREFIX": f"stack-{uuid.uuid4().hex[:8]}",
            # Only a stopped node may fail these tests, not a loaded machine.
            "ELASTICSEARCH_TIMEOUT": "30",
            "ELASTICSEARCH_SEARCH_TIMEOUT": "30",
            "SEARCH_BREAKER_PROBE_INTERVAL": "1",
        }
        # The site is loaded, and indexed, once the node answers.
        starting.result()
        # The three processes start together; the servers need the rows only when asked.
        changer = SiteChanger(env, workdir / "site.log")
        changer.send("load")
        servers = [start_gunicorn(env, workdir, name) for name in ("gunicorn-a", "gunicorn-b")]
        services.extend(service for service, _ in servers)
        urls = changer.receive()
        for service, port in servers:
            wait_until_answering(f"http://127.0.0.1:{port}/static/css/essai.css", service)
        ports = [port for _, port in servers]
        site = nginx_site(ports, http_port, https_port, data, self_signed_certificate(workdir))
        services.append(start_nginx(workdir, nginx_main_config(workdir, site), https_port))
        yield Stack(
            https=f"https://127.0.0.1:{https_port}",
            http=f"http://127.0.0.1:{http_port}",
            processes=[f"http://127.0.0.1:{port}" for port in ports],
            urls=urls,
            changer=changer,
            elasticsearch=elasticsearch,
            env=env,
            workdir=workdir,
        )
    finally:
        if changer is not None:
            changer.stop()
        for service in reversed(services):
            service.stop()
        if not starting.cancel():
            starting.exception()  # a node still starting is waited for, then stopped
        elasticsearch.stop()
        drop_database(database)


@pytest.fixture(scope="module")
def readers(stack) -> dict[str, requests.Session]:
    """A member of the restricted page's college, one of another college, and anonymous."""
    sessions = {"anonymous": browser()}
    for username in ("pa", "formation"):
        session, status = sign_in(stack.https, username, PASSWORD)
        assert status == 302, f"{username} could not sign in ({status})"
        sessions[username] = session
    return sessions


# ---------------------------------------------------------------------------
# Files: Django decides, nginx sends the bytes


def test_a_public_document_is_sent_by_nginx_to_anonymous_readers(stack, readers):
    response = readers["anonymous"].get(stack.https + stack.urls["public_document"], timeout=30)
    assert response.status_code == 200
    assert response.content == PUBLIC_BYTES
    assert "X-Accel-Redirect" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_restricted_document_is_sent_to_a_member_of_its_college(stack, readers):
    response = readers["pa"].get(stack.https + stack.urls["restricted_document"], timeout=30)
    assert response.status_code == 200
    assert response.content == RESTRICTED_BYTES
    assert response.headers["Content-Type"] == "application/pdf"


def test_a_restricted_document_is_refused_to_a_member_of_another_college(stack, readers):
    url = stack.https + stack.urls["restricted_document"]
    response = readers["formation"].get(url, timeout=30)
    assert response.status_code == 403
    assert RESTRICTED_BYTES not in response.content


def test_a_restricted_document_sends_anonymous_readers_to_the_login(stack, readers):
    url = stack.https + stack.urls["restricted_document"]
    response = readers["anonymous"].get(url, allow_redirects=False, timeout=30)
    assert response.status_code == 302
    assert "/connexion/" in response.headers["Location"]


def test_a_restricted_image_is_sent_privately_to_its_college_only(stack, readers):
    url = stack.https + stack.urls["restricted_image"]
    allowed = readers["pa"].get(url, timeout=30)
    assert allowed.status_code == 200
    assert allowed.content.startswith(b"\x89PNG")
    assert "private" in allowed.headers["Cache-Control"]
    assert readers["formation"].get(url, timeout=30).status_code == 403


def test_gunicorn_answers_a_file_with_its_location_and_no_bytes(stack):
    response = browser().get(stack.processes[0] + stack.urls["public_document"], timeout=30)
    assert response.status_code == 200
    assert response.headers["X-Accel-Redirect"] == "/_fichiers/documents/public.pdf"
    assert response.content == b""


def test_the_internal_location_of_media_root_cannot_be_asked_for(stack, readers):
    response = readers["pa"].get(f"{stack.https}/_fichiers/documents/pa.pdf", timeout=30)
    assert response.status_code == 404
    assert RESTRICTED_BYTES not in response.content


def test_media_root_has_no_public_url_for_documents(stack, readers):
    response = readers["pa"].get(f"{stack.https}/media/documents/pa.pdf", timeout=30)
    assert response.status_code == 404


# ---------------------------------------------------------------------------
# nginx itself


def test_static_files_are_served_by_nginx_with_a_long_cache(stack):
    response = browser().get(f"{stack.https}/static/css/essai.css", timeout=30)
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_plain_http_is_sent_to_https(stack):
    response = browser().get(f"{stack.http}/", allow_redirects=False, timeout=30)
    assert response.status_code == 301
    assert response.headers["Location"].startswith("https://")


def test_https_speaks_http2(stack):
    result = subprocess.run(
        [need("curl"), "--http2", "-k", "-s", "-o", "/dev/null", "-w", "%{http_version}",
         f"{stack.https}/static/css/essai.css"],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    assert result.stdout == "2"


def test_pages_keep_the_security_headers_of_django_behind_nginx(stack, readers):
    response = readers["anonymous"].get(stack.https + stack.urls["public_page"], timeout=30)
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


# ---------------------------------------------------------------------------
# Two processes, one Redis: page cache, purge, restrictions, lockouts


def anonymous_get(base: str, path: str) -> requests.Response:
    return browser().get(base + path, allow_redirects=False, timeout=30)


def test_a_page_cached_by_one_process_is_served_from_the_cache_by_the_other(stack):
    first, second = stack.processes
    anonymous_get(first, stack.urls["public_page"])
    response = anonymous_get(second, stack.urls["public_page"])
    assert response.status_code == 200
    assert response.headers[CACHE_HEADER] == "hit"


def cache_in_both(stack, page: str) -> None:
    """Have each process serve the anonymous page from its cache."""
    for process in stack.processes:
        anonymous_get(process, page)
        assert anonymous_get(process, page).headers[CACHE_HEADER] == "hit"


def test_a_publish_by_another_process_purges_the_page_in_both(stack):
    page = stack.urls["public_page"]
    cache_in_both(stack, page)
    stack.change("retitle", "pub", "Contribution republiée")
    for process in stack.processes:
        assert "Contribution republiée" in anonymous_get(process, page).text


def test_a_restriction_added_elsewhere_is_enforced_at_once_by_both(stack):
    page = stack.urls["other_page"]
    cache_in_both(stack, page)
    stack.change("restrict", "autre", "personnes-accompagnees")
    for process in stack.processes:
        response = anonymous_get(process, page)
        assert response.status_code == 302
        assert "/connexion/" in response.headers["Location"]


def test_a_session_opened_through_one_process_is_known_to_the_other(stack):
    first, second = stack.processes
    session, status = sign_in(first, "pa", PASSWORD)
    assert status == 302
    response = session.get(second + stack.urls["restricted_document"], timeout=30)
    assert response.status_code == 200


# ---------------------------------------------------------------------------
# Two processes, one Elasticsearch node: what one process writes, both find


def search(base: str, text: str, session: requests.Session | None = None) -> dict:
    response = (session or browser()).get(f"{base}/api/search/", params={"q": text}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def titles(found: dict) -> list[str]:
    return sorted(hit["title"] for hit in found["results"])


def test_searches_in_both_processes_are_answered_by_elasticsearch(stack):
    for process in stack.processes:
        found = search(process, "contribution")
        assert found["store"] == "elasticsearch"
        assert found["count"] >= 1


def test_a_contribution_published_by_another_process_is_found_by_both(stack):
    stack.change("publish", "trimestre", "Bilan trimestriel")
    for process in stack.processes:
        found = search(process, "trimestriel")
        assert (found["store"], titles(found)) == ("elasticsearch", ["Bilan trimestriel"])


def test_a_restriction_added_elsewhere_hides_the_page_from_both_searches(stack, readers):
    stack.change("publish", "semestre", "Bilan semestriel")
    stack.change("restrict", "semestre", "personnes-accompagnees")
    for process in stack.processes:
        assert search(process, "semestriel")["results"] == []
        assert search(process, "semestriel", readers["formation"])["results"] == []
        found = search(process, "semestriel", readers["pa"])
        assert (found["store"], titles(found)) == ("elasticsearch", ["Bilan semestriel"])


def wait_for(condition, seconds: float = 120) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(1)
    return True


def test_publishes_while_elasticsearch_is_stopped_all_reach_it_after_restart(stack):
    """50 publishes through two processes while the node is stopped: none is lost."""
    second = SiteChanger(stack.env, stack.workdir / "site-b.log")
    try:
        stack.elasticsearch.stop()
        for number in range(OUTAGE_PUBLISHES):
            changer = (stack.changer, second)[number % 2]
            assert changer.ask(f"publish panne-{number} Publication en panne {number}") == "ok"

        # Meanwhile both servers answer from the database, with a notice, and miss nothing.
        for process in stack.processes:
            found = search(process, "panne")
            assert (found["store"], found["count"]) == ("database", OUTAGE_PUBLISHES)
            assert found["notice"]
        assert stack.changer.ask("pending") > 0

        start_elasticsearch(stack.elasticsearch)
        # A background probe (one for the stack, in whichever process saw the failure
        # first) replays the queue; until then searches answer from the database.
        assert wait_for(
            lambda: all(search(p, "panne")["store"] == "elasticsearch" for p in stack.processes)
        ), "Elasticsearch did not catch up"
        assert stack.changer.ask("pending") == 0
        for process in stack.processes:
            assert search(process, "panne")["count"] == OUTAGE_PUBLISHES
    finally:
        second.stop()


def test_a_lockout_counted_by_one_process_holds_in_the_other(stack):
    # Last of the module: "formation" stays locked out from this address afterwards.
    first, second = stack.processes
    statuses = [
        sign_in(first, "formation", "mauvais-mot-de-passe")[1]
        for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS)
    ]
    # The last failure fills the counter: that answer is already the lockout page.
    assert statuses[-1] == 429
    assert sign_in(second, "formation", PASSWORD)[1] == 429
