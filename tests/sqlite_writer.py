"""One process writing to the site's SQLite file, for tests/test_sqlite_concurrency.py.

Run from the project directory with the environment the test sets (settings module,
``DATABASE_URL`` of a SQLite file, ``DATA_DIR``, ``MEDIA_ROOT``):

    python tests/sqlite_writer.py setup CONTENT_FILE   # migrate, then load the content
    python tests/sqlite_writer.py serve                # answer commands, one per line

``serve`` reads JSON commands on standard input and answers each with one line on
standard output, starting with ``REPLY``:

- ``{"command": "prepare", "action": …, "username": …, "label": …, "count": …}`` signs
  in and plans the posts, then answers ``{"ready": true}``;
- ``{"command": "go"}`` posts the form of the action ``count`` times as fast as it can
  and answers the status codes and the server errors;
- ``{"command": "state"}`` answers what the database holds.

Two processes are prepared, then told to go together, so that they write at the same
moment whatever their start-up time; one process serves every test of the module,
because starting Django costs more than the writes themselves. The posts go through the
whole stack (middleware, sessions, messages) with Django's test client, as a browser's.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

import django

if __name__ == "__main__":
    # Run as a script, the project directory is not on the path and Django is not set up.
    # (Imported by the test, it must not set Django up again: that resets logging.)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    django.setup()

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.signals import got_request_exception
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import reverse
from wagtail.models import Page

from cms.content_loader import ContentLoader
from cms.editorial.models import Proposal
from cms.meetings.models import Registration
from cms.models import ContributionPage, DossierPage, EventPage
from cms.notifications.models import DossierFollow
from cms.visibility import MEMBERS
from members.models import Member

DOSSIER_SLUG = "dossier"
EVENT_SLUG = "atelier"
COLLEGE_SLUG = "acteurs-formation"
REPLY = "REPLY "  # marks the answers among anything else the code may print
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def expertise_of(label: str) -> list[str]:
    """The expertises a writer saves: its own, so the final state tells who saved last."""
    return [f"{label} logement", f"{label} accès aux droits", f"{label} mobilité"]


def profile_data(label: str) -> dict:
    return {
        "fonction": label,
        "phone": "04 94 00 00 00",
        "address": f"1 rue {label}",
        "bio": f"Présentation de {label}.",
        "expertise_text": ", ".join(expertise_of(label)),
        "visibility_email": Member.Visibility.MEMBERS,
        "visibility_phone": Member.Visibility.COLLEGE,
        "visibility_address": Member.Visibility.HIDDEN,
        "visibility_bio": Member.Visibility.PUBLIC,
        "visibility_expertise": Member.Visibility.MEMBERS,
    }


def requests_for(action: str, label: str, count: int) -> list[tuple[str, object]]:
    """The (url, data) of each POST; follow and registration alternate with their undoing.

    An odd count ends on following / registering, so the final state is known.
    """
    dossier = DossierPage.objects.get(slug=DOSSIER_SLUG)
    event = EventPage.objects.get(slug=EVENT_SLUG)
    if action == "profile":
        return [(reverse("members:profile"), profile_data(label))] * count
    if action == "follow":
        pair = [
            (reverse("notifications:follow", args=[dossier.pk]), {}),
            (reverse("notifications:unfollow", args=[dossier.pk]), {}),
        ]
    elif action == "register":
        # The event page's own routes (RoutablePageMixin): inscription/ and annulation/.
        pair = [
            (event.url + event.reverse_subpage("register"), {}),
            (event.url + event.reverse_subpage("cancel"), {}),
        ]
    elif action == "propose":
        url = reverse("editorial:propose", args=[dossier.pk])
        return [(url, lambda number: proposal_data(label, number))] * count
    else:
        raise SystemExit(f"unknown action {action!r}")
    return [pair[number % 2] for number in range(count)]


def proposal_data(label: str, number: int) -> dict:
    return {
        "title": f"Proposition {label} {number}",
        "contribution_type": "temoignage",
        "date": "2025-03-14",
        "summary": "Ce que nous proposons.",
        "text": "Premier paragraphe.\n\nSecond paragraphe.",
        "preconisations": "Garder un guichet : ouvert sans rendez-vous",
        "visibility": MEMBERS,
        "on_behalf_of": [COLLEGE_SLUG],
        "attachments": [
            SimpleUploadedFile(f"note-{label}-{number}.pdf", PDF, content_type="application/pdf")
        ],
    }


class Writer:
    """The state of one serving process between commands."""

    def __init__(self) -> None:
        self.client = Client(raise_request_exception=False)
        self.planned: list[tuple[str, object]] = []
        self.errors: list[str] = []
        got_request_exception.connect(self.record_error, weak=False)

    def record_error(self, sender, request=None, **kwargs) -> None:
        # Sent from inside the handler's ``except``: the exception is the current one.
        self.errors.append(traceback.format_exc().strip().splitlines()[-1])

    def prepare(self, action: str, username: str, label: str, count: int) -> dict:
        self.client = Client(raise_request_exception=False)
        self.client.force_login(get_user_model().objects.get(username=username))
        self.planned = requests_for(action, label, count)
        self.errors = []
        return {"ready": True}

    def go(self) -> dict:
        statuses = []
        for number, (url, data) in enumerate(self.planned):
            response = self.client.post(url, data(number) if callable(data) else data)
            statuses.append(response.status_code)
        return {"statuses": statuses, "errors": self.errors}


def serve() -> None:
    setup_test_environment()  # lets the test client's "testserver" host in
    writer = Writer()
    for line in sys.stdin:
        command = json.loads(line)
        name = command.pop("command")
        if name == "prepare":
            reply = writer.prepare(**command)
        elif name == "go":
            reply = writer.go()
        elif name == "state":
            reply = state()
        else:
            raise SystemExit(f"unknown command {name!r}")
        # An idle process holds no connection, so the other one never waits on it.
        connection.close()
        print(REPLY + json.dumps(reply), flush=True)


def setup(content_file: str) -> None:
    """One process for both steps: starting Django takes longer than loading the content."""
    call_command("migrate", interactive=False, verbosity=0)
    ContentLoader.from_file(content_file).load()


def state() -> dict:
    event = EventPage.objects.get(slug=EVENT_SLUG)
    dossier = DossierPage.objects.get(slug=DOSSIER_SLUG)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
    members = Member.objects.select_related("user").prefetch_related("expertise")
    contributions = ContributionPage.objects.child_of(dossier)
    problems = Page.find_problems()
    return {
        "journal_mode": journal_mode,
        "transaction_mode": connection.transaction_mode,
        "profiles": {
            member.user.username: {
                "fonction": member.fonction,
                "address": member.address,
                "expertise": sorted(tag.name for tag in member.expertise.all()),
            }
            for member in members
        },
        "follows": sorted(
            [follow.user.username, follow.dossier.slug]
            for follow in DossierFollow.objects.select_related("user", "dossier")
        ),
        "capacity": event.capacity,
        "registrations": sorted(
            [registration.user.username, registration.status]
            for registration in Registration.objects.filter(event=event).select_related("user")
        ),
        "proposals": Proposal.objects.count(),
        "proposal_titles": sorted(contributions.values_list("title", flat=True)),
        "dossier_numchild": DossierPage.objects.get(pk=dossier.pk).numchild,
        "dossier_children": dossier.get_children().count(),
        "tree_problems": [list(found) for found in problems],
    }


def main(argv: list[str]) -> None:
    if argv == ["serve"]:
        serve()
    elif argv[:1] == ["setup"] and len(argv) == 2:
        setup(argv[1])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
