"""Followers of a dossier hear of its préconisations' status changes (issue 15, item 4).

Who is told follows the dossier's followers and their preference; whether the item may be
seen is checked for each person when the e-mail goes out, as for new contributions.
"""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import call_command
from wagtail.models import PageViewRestriction

from cms.followup.models import Status, StatusNotice
from cms.followup.services import update_item
from cms.notifications.models import DossierFollow, Frequency, NotificationPreference
from tests.conftest import load, users_by_name
from tests.test_followup import SECRET, TREE, item

pytestmark = pytest.mark.django_db

PUBLIC = "Former les agents"


def follow(user, frequency: str = Frequency.IMMEDIATE) -> None:
    DossierFollow.objects.create(user=user, dossier=item(PUBLIC).dossier)
    NotificationPreference.objects.update_or_create(user=user, defaults={"frequency": frequency})


@pytest.fixture
def tree(colleges) -> dict:
    """The board's tree (tests/test_followup.py): a public and a college-only préconisation."""
    load(TREE)
    users = users_by_name()
    for user in users.values():
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    return users


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a commit would run (queued e-mails) at the end of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def change(title: str, user, status: str, committed) -> None:
    with committed():
        update_item(item(title), user, {"status": status}, text="Décidé en comité.")


def test_a_follower_hears_at_once_of_a_status_change(tree, committed):
    follow(tree["formation"])
    change(PUBLIC, tree["coord"], Status.RETENUE, committed)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert PUBLIC in message.subject
    assert "Proposée → Retenue" in message.body
    assert "Décidé en comité." in message.body


def test_a_timeline_entry_without_status_change_tells_nobody(tree, committed):
    follow(tree["formation"])
    with committed():
        update_item(item(PUBLIC), tree["coord"], {}, text="Une réunion a eu lieu.")
    assert mail.outbox == []


def test_another_college_never_hears_of_a_college_only_item(tree, committed):
    follow(tree["formation"])
    change(SECRET, tree["coord"], Status.RETENUE, committed)
    assert mail.outbox == []
    assert not StatusNotice.objects.exists()


def test_the_originating_college_hears_of_its_college_only_item(tree, committed):
    follow(tree["pa"])
    change(SECRET, tree["coord"], Status.RETENUE, committed)
    assert [SECRET in message.subject for message in mail.outbox] == [True]


def test_a_weekly_follower_gets_the_change_in_the_digest(tree, committed):
    follow(tree["formation"], Frequency.WEEKLY)
    change(PUBLIC, tree["coord"], Status.RETENUE, committed)
    assert mail.outbox == []
    call_command("send_digests", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    assert "Proposée → Retenue" in mail.outbox[0].body
    call_command("send_digests", stdout=io.StringIO())
    assert len(mail.outbox) == 1  # never twice


def test_the_digest_rechecks_visibility_when_it_is_sent(tree, committed):
    follow(tree["formation"], Frequency.WEEKLY)
    change(PUBLIC, tree["coord"], Status.RETENUE, committed)
    # Restricted to the PA college before the digest goes out.
    restriction = PageViewRestriction.objects.create(
        page=item(PUBLIC).contribution, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([])
    call_command("send_digests", stdout=io.StringIO())
    assert mail.outbox == []
    assert StatusNotice.objects.get().state == StatusNotice.State.DROPPED
