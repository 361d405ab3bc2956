"""'Mon espace' (/mon-espace/): what concerns the logged-in member, gathered on one page."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from wagtail import hooks

from cms.visibility import Visibility
from members.models import Member
from members.space.panels import MY_SPACE_PANELS_HOOK

SPACE = "/mon-espace/"


def login(client, username: str):
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    return user


def test_anonymous_reader_is_sent_to_the_login_page(client, demo):
    response = client.get(SPACE)

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=/mon-espace/")


def test_account_without_member_profile_gets_a_clear_page(client, demo):
    get_user_model().objects.create_user("technique", password="x")
    login(client, "technique")

    response = client.get(SPACE)

    assert response.status_code == 404
    assert "n’a pas de fiche de membre" in response.content.decode()


def test_member_sees_their_college_and_its_referent(client, demo):
    login(client, "membre")

    html = client.get(SPACE).content.decode()

    assert "<h3>Acteurs du développement local</h3>" in html
    odile = Member.objects.get(user__username="odile")
    assert odile.user.first_name in html


def test_referent_is_told_they_are_referent(client, demo):
    login(client, "referente")

    html = client.get(SPACE).content.decode()

    assert "Vous êtes référent·e de ce collège" in html


def test_member_sees_who_may_see_each_contact_field(client, demo):
    member = Member.objects.get(user__username="membre")
    member.visibility = {"phone": "hidden"}
    member.save()
    login(client, "membre")

    html = client.get(SPACE).content.decode()

    assert '<th scope="row">Téléphone</th><td>Personne (masqué)</td>' in html
    assert "/mes-donnees/" in html
    assert "/mon-profil/" in html


def test_member_sees_their_published_contributions(client, demo):
    from cms.models import ContributionPage

    contribution = ContributionPage.objects.live().filter(authors__isnull=False).first()
    author = contribution.authors.first()
    login(client, author.user.username)

    html = client.get(SPACE).content.decode()

    assert escape(contribution.title) in html


@pytest.mark.parametrize("username", ["membre", "referente", "coordination"])
def test_space_keeps_a_bounded_number_of_queries(client, demo, username):
    login(client, username)
    client.get(SPACE)  # warm per-process caches (content types, site root)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(SPACE)

    assert response.status_code == 200
    assert len(queries) <= 30, [query["sql"] for query in queries.captured_queries]


def test_member_sees_their_proposal_and_its_review_status(client, demo):
    from cms.editorial.proposals import ProposalContent, create_proposal
    from cms.models import DossierPage

    member = Member.objects.get(user__username="membre")
    dossier = DossierPage.objects.get(slug="territorialisation")
    college = member.colleges.get()
    content = ProposalContent(
        title="Une table ronde par quartier",
        summary="",
        text="Se réunir chaque trimestre.",
        visibility=Visibility.members(),
        colleges=[college],
    )
    create_proposal(dossier, member, content)
    login(client, "membre")

    html = client.get(SPACE).content.decode()

    assert "Une table ronde par quartier" in html
    assert f"En relecture par les référents du collège {college.name}" in html


def test_member_sees_the_meeting_they_registered_for(client, demo):
    from cms.meetings.services import register
    from cms.models import EventPage

    user = login(client, "membre")
    event = EventPage.objects.live().filter(slug="seminaire-acces-aux-droits").get()
    register(event, user)

    html = client.get(SPACE).content.decode()

    assert escape(event.title) in html
    assert "Inscrit" in html


def test_member_sees_the_dossiers_they_follow(client, demo):
    from cms.models import DossierPage
    from cms.notifications.preferences import follow

    user = login(client, "membre")
    dossier = DossierPage.objects.get(slug="non-recours-numerique")
    follow(user, dossier)

    html = client.get(SPACE).content.decode()

    assert f">{escape(dossier.title)}</a>" in html


def test_header_links_to_my_space_for_a_logged_in_member(client, demo):
    login(client, "membre")

    html = client.get("/").content.decode()

    assert 'href="/mon-espace/"' in html


class StubPanel:
    """A panel as a feature would hand it in through the hook."""

    anchor = "mes-essais"
    heading = "Mes essais"

    def __init__(self, order: int):
        self.order = order

    def render_html(self, request) -> SafeString:
        return mark_safe(f"<p>Essai pour {escape(request.user.username)}</p>")


def space_with_a_stub_panel(client, order: int) -> str:
    """Mon espace of « membre » while a feature hands in the stub panel at `order`."""

    def add_stub_panel(request, member, panels):
        panels.append(StubPanel(order=order))

    login(client, "membre")
    with hooks.register_temporarily(MY_SPACE_PANELS_HOOK, add_stub_panel):
        return client.get(SPACE).content.decode()


def test_a_feature_adds_its_panel_to_the_space_through_the_hook(client, demo):
    html = space_with_a_stub_panel(client, order=250)

    assert '<h2 id="mes-essais">Mes essais</h2>' in html
    assert "<p>Essai pour membre</p>" in html
    assert '<a href="#mes-essais">Mes essais</a>' in html


def test_the_space_shows_the_panels_by_their_order(client, demo):
    html = space_with_a_stub_panel(client, order=1)

    assert html.index('id="mes-essais"') < html.index('id="mes-contributions"')
    assert html.index('id="mes-colleges"') < html.index('id="mes-essais"')
    assert html.index('id="mes-suivis"') < html.index('id="mon-profil"')
