"""The demo content (cms/content/demo.json), as the suite's shared copy of it holds it.

The demo is loaded once per test session by the content loader, the way `make run`
loads it (tests/database_copies.py); these tests read that load, or load the file again
on top of it, instead of loading it from nothing each time.
"""

from django.contrib.auth.models import Group
from django.utils import timezone

from cms.content_loader import ContentLoader
from cms.models import EventPage
from tests.conftest import DEMO_CONTENT
from tests.test_content_loader import snapshot
from tests.test_small_doors import DEFAULT_GROUPS


def test_loading_the_demo_content_twice_changes_nothing(demo):
    before = snapshot()
    assert not ContentLoader.from_file(DEMO_CONTENT).load()
    assert snapshot() == before


def test_demo_meetings_to_come_are_upcoming_on_any_date(demo):
    upcoming = EventPage.objects.filter(start__gt=timezone.now())
    assert {"seminaire-acces-aux-droits", "assemblee-pleniere"} <= set(
        upcoming.values_list("slug", flat=True)
    )


def test_demo_content_recreates_no_default_group(demo):
    assert not Group.objects.filter(name__in=DEFAULT_GROUPS).exists()
