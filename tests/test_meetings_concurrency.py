"""Concurrent registrations never overbook a meeting (real transactions, one thread each)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from cms.meetings import services
from cms.meetings.models import Registration
from cms.models import EventPage
from tests.conftest import COLLEGES, load

# Serialized rollback brings back the home page and site that migrations created.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

START = (timezone.localtime() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
USERNAMES = ["ana", "ben", "chloe", "dan"]


def data(capacity: int) -> dict:
    return {
        "colleges": COLLEGES,
        "users": [
            {"username": name, "password": "x-secret-1", "colleges": ["acteurs-formation"],
             "roles": ["member"]}
            for name in ["first", *USERNAMES]
        ],
        "pages": [
            {"type": "convention", "slug": "c", "title": "Convention", "children": [
                {"type": "event_index", "slug": "r", "title": "Rencontres", "children": [
                    {"type": "event", "slug": "atelier", "title": "Atelier", "start": START,
                     "capacity": capacity},
                ]},
            ]},
        ],
    }  # fmt: skip


@pytest.fixture
def slow_counting(monkeypatch):
    """Widen the gap between counting the places and writing the decision."""
    count = services.confirmed_count

    def slow(event):
        result = count(event)
        time.sleep(0.2)
        return result

    monkeypatch.setattr(services, "confirmed_count", slow)


def register_at_once(usernames: list[str]) -> list[BaseException]:
    """Each person registers in their own thread and connection, all starting together."""
    event_id = EventPage.objects.get(slug="atelier").pk
    users = {
        user.username: user for user in get_user_model().objects.filter(username__in=usernames)
    }
    barrier = threading.Barrier(len(usernames))
    errors: list[BaseException] = []

    def run(username: str) -> None:
        try:
            event = EventPage.objects.get(pk=event_id)
            barrier.wait(timeout=10)
            services.register(event, users[username])
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(name,)) for name in usernames]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def statuses() -> list[str]:
    return sorted(Registration.objects.values_list("status", flat=True))


def test_two_people_asking_for_the_last_place_get_one_place_and_one_waiting_entry(
    slow_counting,
):
    load(data(capacity=2))
    services.register(
        EventPage.objects.get(slug="atelier"), get_user_model().objects.get(username="first")
    )
    errors = register_at_once(["ana", "ben"])
    assert errors == []
    assert statuses() == ["confirmed", "confirmed", "waiting"]


def test_many_concurrent_registrations_fill_exactly_the_places_and_queue_the_rest(
    slow_counting,
):
    load(data(capacity=2))
    errors = register_at_once(USERNAMES)
    assert errors == []
    assert statuses() == ["confirmed", "confirmed", "waiting", "waiting"]
    waiting = Registration.objects.filter(status=Registration.Status.WAITING)
    assert sorted(services.waiting_position(entry) for entry in waiting) == [1, 2]
