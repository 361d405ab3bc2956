"""A hung Elasticsearch: called once, then skipped until a probe finds it answering again."""

from __future__ import annotations

import socket
import threading
import time
import uuid

import pytest

from cms.models import ContributionPage
from search import breaker
from search.models import PendingOperation
from search.service import (
    CATCHING_UP_NOTICE,
    FALLBACK_NOTICE,
    elasticsearch_store,
    probe,
)
from tests.search.engine_down import load_dossier, public_search, publish_contributions


class HungServer:
    """A TCP server that accepts connections and never answers, like a paused node."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.socket.getsockname()[1]}"

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        self.socket.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def hung_engine(settings):
    server = HungServer()
    settings.ELASTICSEARCH_URL = server.url
    settings.SEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:8]}"
    settings.ELASTICSEARCH_TIMEOUT = 0.5
    settings.ELASTICSEARCH_SEARCH_TIMEOUT = 0.5
    yield server
    server.close()


@pytest.fixture
def dossier(colleges, django_capture_on_commit_callbacks):
    return load_dossier(django_capture_on_commit_callbacks)


@pytest.mark.django_db
def test_a_hung_engine_is_asked_once_then_searches_answer_from_the_database(hung_engine):
    answers = [public_search("panne") for _ in range(5)]

    assert [answer.result.store for answer in answers] == ["database"] * 5
    assert {answer.notice for answer in answers} == {FALLBACK_NOTICE}
    assert len(hung_engine.accepted) == 1
    assert breaker.is_open("elasticsearch")


def test_publishing_with_a_hung_engine_queues_the_work_without_asking_again(
    hung_engine, dossier, django_capture_on_commit_callbacks
):
    # Loading the dossier already met the hung engine once and opened the breaker.
    asked = len(hung_engine.accepted)
    publish_contributions(dossier, 3, django_capture_on_commit_callbacks)

    assert ContributionPage.objects.live().count() == 3
    assert len(hung_engine.accepted) == asked <= 1
    queued = PendingOperation.objects.filter(store="elasticsearch")
    assert {key for op in queued for key in op.index_keys} >= {
        f"page:{page.pk}" for page in ContributionPage.objects.all()
    }


@pytest.mark.django_db
def test_searches_answer_from_the_database_while_the_engine_has_queued_work(hung_engine):
    PendingOperation.objects.create(store="elasticsearch", index_keys=["page:1"])

    answer = public_search("panne")

    assert answer.result.store == "database"
    assert answer.notice == CATCHING_UP_NOTICE
    assert hung_engine.accepted == []


@pytest.mark.django_db
def test_reconcile_by_hand_tries_the_engine_even_with_the_breaker_open(hung_engine):
    from django.core.management import CommandError, call_command

    breaker.trip("elasticsearch", "test")
    with pytest.raises(CommandError):
        call_command("search_index", "reconcile")
    assert len(hung_engine.accepted) == 1


def test_probe_replays_the_queue_then_closes_the_breaker(
    settings, elasticsearch_server, dossier, django_capture_on_commit_callbacks
):
    settings.ELASTICSEARCH_URL = elasticsearch_server
    settings.SEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:8]}"
    settings.ELASTICSEARCH_TIMEOUT = 60  # a loaded CI machine must not make this test fail
    store = elasticsearch_store()
    store.rebuild([], 0)
    breaker.trip("elasticsearch", "test")
    publish_contributions(dossier, 1, django_capture_on_commit_callbacks)
    assert PendingOperation.objects.filter(store="elasticsearch").exists()

    try:
        deadline = time.monotonic() + 30  # a loaded machine may miss the 1 s ping once
        while not probe(store) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not PendingOperation.objects.exists()
        assert not breaker.is_open("elasticsearch")
        answer = public_search("panne")
        assert (answer.result.store, answer.result.count, answer.notice) == (
            "elasticsearch",
            1,
            "",
        )
    finally:
        found = store.client.options(ignore_status=404).indices.get(index=f"{store.alias}-v*")
        if found.meta.status == 200 and found.body:
            store.client.indices.delete(index=",".join(sorted(found.body)))


def test_probe_keeps_the_breaker_open_while_the_engine_is_silent():
    assert not breaker.probe_once("engine", answers=lambda: False, recover=lambda: True)


def test_only_one_background_probe_runs_per_store(settings):
    settings.SEARCH_BREAKER_BACKGROUND_PROBE = True
    settings.SEARCH_BREAKER_PROBE_INTERVAL = 0.01
    breaker.trip("engine", "test")
    recovered = threading.Event()
    # The engine answers only once the three calls are made: a probe that ended before the
    # second call would rightly let it start another (the lock goes with the probe).
    engine_back = threading.Event()

    def recover() -> bool:
        recovered.set()
        return True

    def answers() -> bool:
        return engine_back.wait(timeout=10)

    started = [breaker.watch("engine", answers, recover) for _ in range(3)]
    engine_back.set()

    assert started == [True, False, False]
    assert recovered.wait(timeout=10)
    for thread in threading.enumerate():
        if thread.name == "search-probe-engine":
            thread.join(timeout=10)
    assert not breaker.is_open("engine")
