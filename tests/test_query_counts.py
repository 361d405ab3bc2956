"""Bounded queries: every page type costs the same number of queries with the demo and
with a lot more content (contributions, members, organisations, meetings).

The counts are taken once per module, in two passes over all page types (demo, then
demo plus the extra content), and each test compares the two counts of one page for one
reader. New features on a page keep these tests green as long as their queries do not
grow with the content (use select_related / prefetch_related).
"""

from __future__ import annotations

import copy
import json

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import HomePage
from search.indexing import sync_subtree
from tests.conftest import DEMO_CONTENT, load, rolled_back
from tests.test_page_weight import PAGE_CASES, PageCase

# The measures are taken in a module fixture: this mark makes pytest-django create the
# test database for this module even though the tests only compare numbers.
pytestmark = pytest.mark.django_db

# Generous: most queries are Wagtail's (routing, site, restrictions), the session's and
# the shell's (menus, footer); a page type far above this has a problem.
MAX_QUERIES = 60
EXTRA_CONTRIBUTIONS = 40
EXTRA_MEMBERS = 40
EXTRA_MEETINGS = 5
# Proposals, follows and registrations of the measured member in the second pass.
EXTRA_ACTIVITY = 4

COLLEGES = [
    "personnes-accompagnees",
    "acteurs-formation",
    "developpement-local",
    "collectivites-territoriales",
    "institutions-sociales",
]
CONTRIBUTION_TYPES = ["compte_rendu", "diagnostic", "position", "preconisations", "temoignage"]
READERS = ["anonymous", "membre"]
# The dossier and contribution of PAGE_CASES.
MEASURED_DOSSIER = "non-recours-numerique"
MEASURED_CONTRIBUTION = "atelier-demarches-en-ligne-2021"


def _without_children(entry: dict) -> dict:
    return {key: copy.deepcopy(value) for key, value in entry.items() if key != "children"}


def _child(entry: dict, slug: str) -> dict:
    return next(child for child in entry["children"] if child["slug"] == slug)


def extra_people() -> dict:
    """Organisations and members in several colleges, with profiles and tags."""
    organisations = [
        {
            "slug": f"structure-test-{index:02}",
            "name": f"Structure de test {index:02}",
            "college": COLLEGES[index % len(COLLEGES)],
            "territory": "var" if index % 2 else "paca",
            "type": "association",
            "adhesion_date": f"2024-{index % 12 + 1:02}-01",
        }
        for index in range(EXTRA_MEMBERS)
    ]
    users = [
        {
            "username": f"personne{index:02}",
            "password": "x-secret-1",
            "first_name": f"Prénom{index:02}",
            "last_name": f"Nom{index:02}",
            "email": f"personne{index:02}@exemple.org",
            "colleges": [COLLEGES[index % len(COLLEGES)], COLLEGES[(index + 2) % len(COLLEGES)]],
            "organisation": f"structure-test-{index:02}",
            "roles": ["member"],
            "profile": {"fonction": "Chargée de mission", "expertise": [f"sujet {index % 6}"]},
            "visibility": {"email": "members", "phone": "college"},
            "territory": "var",
        }
        for index in range(EXTRA_MEMBERS)
    ]
    return {"organisations": organisations, "users": users}


def extra_contribution(index: int) -> dict:
    entry = {
        "type": "contribution",
        "slug": f"contribution-test-{index:02}",
        "title": f"Contribution de test numéro {index:02}",
        "contribution_type": CONTRIBUTION_TYPES[index % len(CONTRIBUTION_TYPES)],
        "date": f"2024-{index % 12 + 1:02}-{index % 27 + 1:02}",
        "colleges": [COLLEGES[index % len(COLLEGES)], COLLEGES[(index + 1) % len(COLLEGES)]],
        "authors": [f"personne{index:02}", f"personne{(index + 1) % EXTRA_MEMBERS:02}"],
        "summary": "Un résumé de quelques mots sur le numérique et l'accès aux droits.",
        "body": "## Constats\n\nUn paragraphe.\n\nUn autre paragraphe sur le numérique.",
        "tags": [f"thème {index % 5}", "numérique"],
        "preconisations": [
            {"title": f"Proposition {index}", "description": "Une description courte."}
        ],
    }
    # Some of them are closed, so that the listings filter for real.
    if index % 4 == 1:
        entry["visibility"] = "members"
    elif index % 4 == 2:
        entry["visibility"] = {"colleges": [COLLEGES[index % len(COLLEGES)]]}
    return entry


def extra_meeting(index: int) -> dict:
    year = 2024 if index < 2 else 2028
    return {
        "type": "event",
        "slug": f"rencontre-test-{index}",
        "title": f"Rencontre de test {index}",
        "start": f"{year}-0{index + 1}-10T09:30",
        "end": f"{year}-0{index + 1}-10T12:30",
        "location": "Toulon",
        "programme": "9h30 – Accueil",
        "speakers": ["Une intervenante", "Un intervenant"],
        "capacity": 30,
        "registration_deadline": f"{year}-0{index + 1}-01",
    }


def extra_content() -> dict:
    """The demo's own paca pages (fields unchanged) with many more children under them."""
    demo = json.loads(DEMO_CONTENT.read_text(encoding="utf-8"))
    paca_entry = next(page for page in demo["pages"] if page["slug"] == "paca")
    dossiers_entry = _child(paca_entry, "dossiers")
    dossiers = [_without_children(dossier) for dossier in dossiers_entry["children"]]
    # The measured dossier and contribution get more coordinators and authors too.
    measured = next(dossier for dossier in dossiers if dossier["slug"] == MEASURED_DOSSIER)
    measured["coordinators"] += [f"personne{index:02}" for index in range(5)]
    contribution = copy.deepcopy(
        _child(_child(dossiers_entry, MEASURED_DOSSIER), MEASURED_CONTRIBUTION)
    )
    contribution["authors"] += [f"personne{index:02}" for index in range(5, 10)]
    measured["children"] = [contribution]
    for index in range(EXTRA_CONTRIBUTIONS):
        dossiers[index % len(dossiers)].setdefault("children", []).append(extra_contribution(index))
    meetings = _without_children(_child(paca_entry, "rencontres"))
    meetings["children"] = [extra_meeting(index) for index in range(EXTRA_MEETINGS)]
    paca = _without_children(paca_entry)
    paca["children"] = [{**_without_children(dossiers_entry), "children": dossiers}, meetings]
    return {**extra_people(), "pages": [paca]}


def reader_cases() -> list[tuple[PageCase, str]]:
    return [
        (case, reader)
        for case in PAGE_CASES
        for reader in READERS
        if (case.public if reader == "anonymous" else case.for_members)
    ]


def measure(case: PageCase, reader: str) -> tuple[int, int]:
    """Queries and bytes of one page for one reader, after a first visit."""
    client = Client()
    if reader != "anonymous":
        client.force_login(get_user_model().objects.get(username=reader))
    path = case.path()
    client.get(path)  # Wagtail caches the site's root paths on a first request.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, f"{case.name} ({reader}): {response.status_code}"
    return len(queries), len(response.content)


def member_activity(username: str, count: int) -> None:
    """The member's own things shown in their space: proposals, follows, registrations."""
    from cms.editorial.proposals import ProposalContent, create_proposal
    from cms.meetings.services import register
    from cms.models import DossierPage, EventPage
    from cms.notifications.preferences import follow
    from cms.visibility import Visibility
    from members.models import Member

    member = Member.objects.select_related("user").get(user__username=username)
    user, college = member.user, member.colleges.first()
    dossiers = list(DossierPage.objects.live().public().order_by("path"))
    for index in range(count):
        content = ProposalContent(
            title=f"Proposition de {username} numéro {index}",
            summary="Un résumé.",
            text="Un paragraphe.",
            visibility=Visibility.members(),
            colleges=[college],
        )
        create_proposal(dossiers[index % len(dossiers)], member, content)
    for dossier in dossiers[:count]:
        follow(user, dossier)
    upcoming = EventPage.objects.live().public().filter(start__gt=timezone.now())
    for event in upcoming.order_by("start")[:count]:
        register(event, user)


def index_everything() -> None:
    """What the background indexing does after a commit (this module never commits)."""
    sync_subtree(HomePage.objects.get())


@pytest.fixture(scope="module")
def measures(demo_site, django_db_blocker) -> dict:
    """{(page, reader): [(queries, bytes) with the demo, (queries, bytes) with more]}."""
    results: dict = {}
    with rolled_back(django_db_blocker), override_settings(PAGE_CACHE_ENABLED=False):
        member_activity("membre", 1)
        index_everything()
        for case, reader in reader_cases():
            results[case.name, reader] = [measure(case, reader)]
        load(extra_content())
        member_activity("membre", EXTRA_ACTIVITY)
        index_everything()
        for case, reader in reader_cases():
            results[case.name, reader].append(measure(case, reader))
    return results


CASES = [
    pytest.param(case.name, reader, id=f"{case.name}-{reader}") for case, reader in reader_cases()
]


@pytest.mark.parametrize("page, reader", CASES)
def test_query_count_does_not_grow_with_the_content(measures, page, reader):
    (demo_queries, _), (more_queries, _) = measures[page, reader]
    assert more_queries == demo_queries


@pytest.mark.parametrize("page, reader", CASES)
def test_query_count_stays_under_the_ceiling(measures, page, reader):
    (_, _), (more_queries, _) = measures[page, reader]
    assert more_queries <= MAX_QUERIES


@pytest.mark.parametrize(
    "page, reader",
    [
        ("dossier", "membre"),
        ("contribution", "anonymous"),
        ("meetings", "anonymous"),
        ("directory", "membre"),
        ("directory-organisations", "membre"),
        ("my-space", "membre"),
        ("my-proposals", "membre"),
        ("follows", "membre"),
        ("my-registrations", "membre"),
    ],
)
def test_the_extra_content_shows_on_the_listings(measures, page, reader):
    (_, demo_bytes), (_, more_bytes) = measures[page, reader]
    assert more_bytes > demo_bytes
