"""The admin's dashboard for coordination and referents (issue 12, item 10).

Read on the demo content as three people: ``coordination`` (sees every page),
``referente`` (referent of Personnes accompagnées, rights on her college's spaces) and
``sylvie`` (referent of Collectivités territoriales, rights on the dossier « Jeunesse et
éducation », one contribution of which only Administrations de l'État may see). The site
summary counts only what its reader may see, and no panel names a page, a person or a
message its reader may not see.
"""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.admin.navigation import get_site_for_user
from wagtail.models import Page, PageLogEntry, PageViewRestriction

from cms.access import can_view_page
from cms.contact.models import ContactMessage
from cms.meetings.pages import EventIndexPage, EventPage
from cms.models import ContributionPage
from members import name_change
from members.models import AdhesionRequest, College
from tests.admin_readers import (
    HIDDEN_FROM_REFERENTE,
    HIDDEN_FROM_SYLVIE,
    client_for,
    hidden_titles_in,
)
from tests.conftest import users_by_name

HOME = "/admin/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(demo):
    return users_by_name()


def dashboard(user) -> str:
    response = client_for(user).get(HOME)
    assert response.status_code == 200
    return unescape(response.content.decode())


def pages_in_summary(html: str) -> int:
    summary = html.split('<ul class="w-summary__list">', 1)[1].split("</ul>", 1)[0]
    match = re.search(r"(\d+)\s+pages?\b", re.sub(r"<[^>]+>", " ", summary))
    assert match, "no page count in the summary"
    return int(match.group(1))


def pages_under_root(user) -> Page:
    """What Wagtail's own summary counted: every page under the user's explorable root."""
    root = get_site_for_user(user)["root_page"]
    return Page.objects.descendant_of(root, inclusive=True).filter(depth__gt=1)


# -- the site summary -------------------------------------------------------------------------


def test_referent_summary_counts_no_page_of_another_college(users):
    sylvie = users["sylvie"]
    under_root = pages_under_root(sylvie)
    hidden = [page for page in under_root if not can_view_page(sylvie, page)]
    assert [page.slug for page in hidden] == [HIDDEN_FROM_SYLVIE]
    assert pages_in_summary(dashboard(sylvie)) == under_root.count() - 1


def test_referent_summary_counts_only_pages_she_may_view(users):
    referente = users["referente"]
    shown = pages_in_summary(dashboard(referente))
    visible = [page for page in pages_under_root(referente) if can_view_page(referente, page)]
    # Wagtail counted the whole site under her root (48 pages on the demo).
    assert 0 < shown <= len(visible) < pages_under_root(referente).count()


def test_coordination_summary_counts_every_page_of_the_site(users):
    assert (
        pages_in_summary(dashboard(users["coordination"]))
        == Page.objects.filter(depth__gt=1).count()
    )


def test_referent_sees_no_image_or_document_count(users):
    # No collection right: Wagtail's counts of files are not hers to read.
    html = dashboard(users["referente"])
    assert "image créée" not in html and "document créé" not in html


# -- no panel shows what its reader may not see --------------------------------------------------


def test_referent_dashboard_names_no_page_she_may_not_view_after_recent_changes(users):
    referente = users["referente"]
    page = ContributionPage.objects.get(slug=HIDDEN_FROM_REFERENTE)
    page.save_revision(user=users["coordination"])
    assert page.title in dashboard(users["coordination"])
    assert hidden_titles_in(referente, dashboard(referente)) == []


def test_referent_dashboard_names_no_page_awaiting_moderation_she_may_not_view(users):
    referente = users["referente"]
    page = ContributionPage.objects.get(slug=HIDDEN_FROM_REFERENTE)
    page.colleges.add(*College.objects.filter(memberships__member=referente.member))
    page.save_revision(user=referente)
    page.get_workflow().start(page, referente)
    assert hidden_titles_in(referente, dashboard(referente)) == []


def test_wagtails_own_panels_name_no_page_the_referent_may_not_view(users):
    # « Vos pages les plus récentes », locked pages, « vos pages en modération »: sylvie
    # edited, locked and submitted a page of her dossier that only another college sees.
    sylvie = users["sylvie"]
    page = ContributionPage.objects.get(slug=HIDDEN_FROM_SYLVIE)
    PageLogEntry.objects.log_action(page, "wagtail.edit", user=sylvie)
    page.locked, page.locked_by, page.locked_at = True, sylvie, timezone.now()
    page.save(update_fields=["locked", "locked_by", "locked_at"])
    page.save_revision(user=sylvie)
    page.get_workflow().start(page, sylvie)
    html = dashboard(sylvie)
    assert hidden_titles_in(sylvie, html) == []
    assert page.title in dashboard(users["coordination"])


# -- coordination's panels ---------------------------------------------------------------------


def adhesion_request(**fields) -> AdhesionRequest:
    values = {
        "college": College.objects.first(),
        "first_name": "Lina",
        "last_name": "Verdier",
        "email": "lina.verdier@example.org",
        "consent_at": timezone.now(),
        **fields,
    }
    return AdhesionRequest.objects.create(**values)


def test_coordination_sees_pending_adhesion_requests_with_their_count(users):
    adhesion_request()
    adhesion_request(first_name="Marc", email="marc@example.org")
    adhesion_request(first_name="Refusé", status=AdhesionRequest.Status.DECLINED)
    html = dashboard(users["coordination"])
    assert "Demandes d'adhésion à examiner" in html
    assert "2 demandes en attente" in html
    assert "Lina Verdier" in html and "Marc Verdier" in html
    assert "Refusé Verdier" not in html


def test_referent_sees_no_adhesion_request(users):
    adhesion_request()
    html = dashboard(users["referente"])
    assert "Demandes d'adhésion à examiner" not in html
    assert "Lina Verdier" not in html


def test_coordination_sees_an_empty_state_when_no_request_waits(users):
    html = dashboard(users["coordination"])
    assert "Aucune demande d'adhésion n'attend de réponse." in html
    assert "Aucun changement de nom n'attend de réponse." in html


def test_coordination_sees_pending_name_changes_and_referents_do_not(users):
    name_change.request_change(users["membre"].member, "Thomas", "Garnier-Roux")
    assert "Thomas Garnier → Thomas Garnier-Roux" in dashboard(users["coordination"])
    html = dashboard(users["referente"])
    assert "Changements de nom à confirmer" not in html and "Garnier-Roux" not in html


def test_coordination_sees_messages_waiting_for_an_answer_and_referents_do_not(users):
    ContactMessage.objects.create(subject="Question sur la plénière", message="Bonjour")
    ContactMessage.objects.create(
        subject="Déjà répondu", message="Merci", status=ContactMessage.Status.ANSWERED
    )
    html = dashboard(users["coordination"])
    assert "1 message sans réponse" in html and "Question sur la plénière" in html
    assert "Déjà répondu" not in html
    html = dashboard(users["referente"])
    assert "Messages reçus" not in html and "Question sur la plénière" not in html


# -- meetings ------------------------------------------------------------------------------------


def meeting_for(college_slug: str, title: str) -> EventPage:
    """A meeting next month that only one college may see."""
    index = EventIndexPage.objects.first()
    start = timezone.now() + datetime.timedelta(days=30)
    event = index.add_child(instance=EventPage(title=title, slug="reservee", start=start))
    restriction = PageViewRestriction.objects.create(
        page=event, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(College.objects.get(slug=college_slug).group)
    return event


def test_next_meetings_list_only_meetings_the_reader_may_see(users):
    meeting_for("administrations-etat", "Réunion réservée à l'État")
    coordination_html = dashboard(users["coordination"])
    assert "Prochaines rencontres" in coordination_html
    assert "Réunion réservée à l'État" in coordination_html
    referente_html = dashboard(users["referente"])
    assert "Prochaines rencontres" in referente_html
    assert "Réunion réservée à l'État" not in referente_html


def test_next_meetings_say_how_many_registered(users):
    html = dashboard(users["coordination"])
    assert "2 rencontres à venir" in html and "0 inscrit·e" in html


# -- proposals to review ---------------------------------------------------------------------------


def test_referent_has_a_proposals_panel_with_an_empty_state(users):
    html = dashboard(users["referente"])
    assert "Propositions à relire" in html
    assert "Aucune proposition n'attend votre relecture pour le moment." in html


def test_referent_sees_the_proposal_of_her_college_waiting_for_her_review(users):
    # A contribution of her college alone, sent to review by a member of the college.
    page = ContributionPage.objects.get(slug="temoignage-premier-accueil")
    page.save_revision(user=users["membre"])
    page.get_workflow().start(page, users["membre"])
    panel = dashboard(users["referente"]).split("Propositions à relire", 1)[1]
    assert page.title in panel
    assert "1 proposition attend votre relecture" in panel


# -- a fixed number of queries ------------------------------------------------------------------


def queries_for_dashboard(user) -> int:
    client = client_for(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(HOME).status_code == 200
    return len(captured)


def test_the_dashboard_asks_as_many_queries_for_two_requests_as_for_ten(users):
    for number in range(2):
        adhesion_request(first_name=f"Personne {number}", email=f"p{number}@example.org")
        ContactMessage.objects.create(subject=f"Question {number}", message="Bonjour")
    few = queries_for_dashboard(users["coordination"])
    for number in range(2, 10):
        adhesion_request(first_name=f"Personne {number}", email=f"p{number}@example.org")
        ContactMessage.objects.create(subject=f"Question {number}", message="Bonjour")
    # One more query per panel at most: the count, once there are more rows than lines.
    assert queries_for_dashboard(users["coordination"]) <= few + 2
