"""The member's home page: after login, « / » first shows the person's own sections (their
next meetings, what is new in the dossiers they follow, what waits for their review, their
proposals), handed in by the features (members.space.home_sections); anonymous readers
keep the home they had, served from the anonymous page cache."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from wagtail import hooks

from cms.cache import CACHE_HEADER
from cms.editorial.proposals import ProposalContent, create_proposal
from cms.meetings.models import Registration
from cms.models import ContributionPage, DossierIndexPage, DossierPage, EventIndexPage, EventPage
from cms.notifications.preferences import follow
from cms.visibility import Visibility
from members.models import College, Member
from members.space.home_sections import (
    MEMBER_HOME_SECTIONS_HOOK,
    EmptyState,
    HomeItem,
    HomeSection,
    SectionContent,
)

HOME = "/"
MEETINGS = "Mes prochaines rencontres"
FOLLOWED = "Nouveau dans mes dossiers suivis"
TO_REVIEW = "À relire"
PROPOSALS = "Mes propositions"
SECTIONS = {MEETINGS: "mes-prochaines-rencontres", FOLLOWED: "nouveau-dans-mes-suivis"}
NUMERIQUE = "non-recours-numerique"


def login(client, username: str):
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    return user


def home_of(client, username: str | None) -> str:
    client.logout()
    if username:
        login(client, username)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def heading(anchor: str, text: str) -> str:
    return f'<h2 id="{anchor}">{text}</h2>'


def propose(username: str, title: str, college: str, dossier: str = "territorialisation"):
    member = Member.objects.get(user__username=username)
    content = ProposalContent(
        title=title,
        summary="",
        text="Un texte de proposition.",
        visibility=Visibility.members(),
        colleges=[College.objects.get(slug=college)],
    )
    return create_proposal(DossierPage.objects.get(slug=dossier), member, content)


def upcoming_event(title: str, slug: str, days: int = 30) -> EventPage:
    index = EventIndexPage.objects.get(slug="rencontres")
    event = EventPage(
        title=title,
        slug=slug,
        start=timezone.now() + datetime.timedelta(days=days),
        location="Marseille",
    )
    index.add_child(instance=event)
    event.save_revision().publish()
    return event


def registered(user, event: EventPage, status: str = Registration.Status.CONFIRMED) -> None:
    Registration.objects.create(event=event, user=user, status=status, registered_at=timezone.now())


# -- Who sees which section ------------------------------------------------------------------


def test_anonymous_readers_keep_the_home_without_personal_sections(client, demo):
    html = home_of(client, None)

    assert "Les conventions" in html and "Dernières contributions" in html
    for text in (MEETINGS, FOLLOWED, TO_REVIEW, PROPOSALS, "Bonjour"):
        assert text not in html


def test_a_member_sees_their_sections_and_no_review_section(client, demo):
    html = home_of(client, "membre")

    assert "Bonjour Thomas" in html
    assert heading("mes-prochaines-rencontres", MEETINGS) in html
    assert heading("nouveau-dans-mes-suivis", FOLLOWED) in html
    assert heading("mes-propositions", PROPOSALS) in html
    assert TO_REVIEW not in html
    # The rest of the home is still there, below.
    assert "Dernières contributions" in html


@pytest.mark.parametrize("username", ["referente", "coordination"])
def test_referents_and_coordination_see_what_waits_for_their_review(client, demo, username):
    html = home_of(client, username)

    assert heading("a-relire", TO_REVIEW) in html


def test_sections_come_in_their_order(client, demo):
    html = home_of(client, "referente")

    anchors = ["mes-prochaines-rencontres", "nouveau-dans-mes-suivis", "a-relire"]
    positions = [html.index(f'id="{anchor}"') for anchor in [*anchors, "mes-propositions"]]
    assert positions == sorted(positions)


def test_empty_sections_say_what_to_do_next(client, demo):
    html = home_of(client, "membre")

    assert "Vous ne suivez aucun dossier. Suivez un dossier pour voir ici ses nouveautés." in html
    assert "Vous n’êtes inscrit·e à aucune rencontre à venir." in html
    assert "Vous n’avez encore proposé aucune contribution." in html
    # The next step leads to the lists of dossiers and of meetings.
    assert 'href="/paca/dossiers/"' in html
    assert 'href="/paca/rencontres/"' in html


def test_a_feature_adds_a_section_through_the_hook(client, demo):
    def add_section(request, member, sections):
        items = [HomeItem(f"Essai de {member.user.username}", "/essai/")]
        content = SectionContent(items, "/essais/", EmptyState("Rien."))
        sections.append(HomeSection("mes-essais", "Mes essais", 250, content))

    login(client, "membre")
    with hooks.register_temporarily(MEMBER_HOME_SECTIONS_HOOK, add_section):
        html = client.get(HOME).content.decode()

    assert heading("mes-essais", "Mes essais") in html
    assert '<a class="home-list__title" href="/essai/">Essai de membre</a>' in html
    assert html.index('id="nouveau-dans-mes-suivis"') < html.index('id="mes-essais"')


def test_a_section_lists_five_items_and_links_to_the_full_list(client, demo):
    def add_section(request, member, sections):
        items = [HomeItem(f"Essai {number}", f"/essai/{number}/") for number in range(8)]
        content = SectionContent(items, "/essais/", EmptyState("Rien."))
        sections.append(HomeSection("mes-essais", "Mes essais", 250, content))

    login(client, "membre")
    with hooks.register_temporarily(MEMBER_HOME_SECTIONS_HOOK, add_section):
        html = client.get(HOME).content.decode()

    assert "Essai 4" in html and "Essai 5" not in html
    assert 'href="/essais/"' in html and "Tout voir" in html


# -- Mes prochaines rencontres ---------------------------------------------------------------


def test_the_member_sees_their_next_meeting_and_their_place(client, demo):
    user = get_user_model().objects.get(username="membre")
    seminar = EventPage.objects.get(slug="seminaire-acces-aux-droits")
    plenary = EventPage.objects.get(slug="assemblee-pleniere")
    registered(user, seminar)
    registered(user, plenary, Registration.Status.WAITING)

    html = home_of(client, "membre")

    assert escape(seminar.title) in html and "Inscrit·e" in html
    assert escape(plenary.title) in html and "Liste d&#x27;attente" in html
    assert 'href="/inscriptions/"' in html


def test_past_and_cancelled_meetings_are_not_next_meetings(client, demo):
    user = get_user_model().objects.get(username="membre")
    past = EventPage.objects.get(slug="rencontre-regionale-2025")
    registered(user, past)
    registered(user, EventPage.objects.get(slug="seminaire-acces-aux-droits"), "cancelled")

    html = home_of(client, "membre")

    assert escape(past.title) not in html
    assert "Vous n’êtes inscrit·e à aucune rencontre à venir." in html


# -- Nouveau dans mes dossiers suivis ---------------------------------------------------------


def test_new_contributions_of_a_followed_dossier_are_listed(client, demo):
    user = get_user_model().objects.get(username="membre")
    follow(user, DossierPage.objects.get(slug=NUMERIQUE))
    followed = ContributionPage.objects.get(slug="atelier-demarches-en-ligne-2021")
    elsewhere = ContributionPage.objects.get(slug="atelier-habitat-inclusif-2022")

    html = home_of(client, "membre")

    assert escape(followed.title) in html
    assert escape("dossier « Non-recours et fracture numérique »") in html
    assert escape(elsewhere.title) not in html


def test_a_new_contribution_is_dated_by_the_work_and_says_when_it_came_online(client, demo):
    user = get_user_model().objects.get(username="membre")
    follow(user, DossierPage.objects.get(slug=NUMERIQUE))
    followed = ContributionPage.objects.get(slug="atelier-demarches-en-ligne-2021")
    online = timezone.now() - datetime.timedelta(days=3)
    ContributionPage.objects.filter(pk=followed.pk).update(first_published_at=online)

    html = home_of(client, "membre")

    work_date = followed.date.isoformat()
    assert f'<time datetime="{work_date}">' in html
    published = date_format(timezone.localdate(online), "j F Y")
    assert escape(f"{followed.get_contribution_type_display()}, dossier « ") in html
    assert f"en ligne depuis le {published}" in html


def test_a_followed_dossier_lists_only_the_contributions_the_member_may_see(client, demo):
    # « Entre nous » is for the college « Personnes accompagnées »: not for « membre ».
    restricted = ContributionPage.objects.get(slug="entre-nous-numerique")
    for username in ("membre", "referente"):
        follow(get_user_model().objects.get(username=username), restricted.get_parent().specific)

    assert escape(restricted.title) not in home_of(client, "membre")
    assert escape(restricted.title) in home_of(client, "referente")


def test_older_contributions_are_not_new(client, demo):
    user = get_user_model().objects.get(username="membre")
    dossier = DossierPage.objects.get(slug=NUMERIQUE)
    follow(user, dossier)
    long_ago = timezone.now() - datetime.timedelta(days=90)
    ContributionPage.objects.child_of(dossier).update(first_published_at=long_ago)

    html = home_of(client, "membre")

    assert "Rien de nouveau depuis un mois dans les dossiers que vous suivez." in html


# -- À relire and Mes propositions -----------------------------------------------------------


def test_a_referent_sees_the_proposals_of_their_college_only(client, demo):
    propose("mireille", "Une parole des habitants", "personnes-accompagnees")
    propose("membre", "Un atelier de quartier", "developpement-local")

    html = home_of(client, "referente")

    assert "Une parole des habitants" in html
    assert "Un atelier de quartier" not in html
    assert "Relecture du collège" in html


def test_a_member_who_reviews_nothing_sees_no_proposal_to_review(client, demo):
    propose("mireille", "Une parole des habitants", "developpement-local")

    html = home_of(client, "membre")

    assert "Une parole des habitants" not in html


def test_coordination_sees_the_proposals_at_its_step(client, demo):
    proposal = propose("mireille", "Une parole des habitants", "personnes-accompagnees")
    assert "Une parole des habitants" not in home_of(client, "coordination")
    referent = get_user_model().objects.get(username="referente")
    state = proposal.page.workflow_states.get(status="in_progress")
    state.current_task_state.approve(user=referent)

    assert "Relecture de la coordination" in home_of(client, "coordination")
    assert "Une parole des habitants" in home_of(client, "coordination")
    assert "Une parole des habitants" not in home_of(client, "referente")


def test_the_member_sees_their_proposals_with_their_status(client, demo):
    propose("membre", "Un atelier de quartier", "developpement-local")

    html = home_of(client, "membre")

    assert "Un atelier de quartier" in html
    assert "En relecture par les référents du collège Acteurs du développement local" in html
    assert 'href="/propositions/"' in html


# -- Never cached for another person ----------------------------------------------------------


def test_the_member_home_is_never_stored_in_any_cache(client, demo):
    login(client, "membre")

    response = client.get(HOME)

    assert response.headers.get(CACHE_HEADER) is None
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_anonymous_readers_still_get_the_cached_home(client, demo):
    first = client.get(HOME)
    second = client.get(HOME)

    assert first.headers.get(CACHE_HEADER) == "miss"
    assert second.headers.get(CACHE_HEADER) == "hit"


def test_a_member_sections_never_reach_anonymous_readers_or_another_member(client, demo):
    propose("membre", "Un atelier de quartier", "developpement-local")
    client.get(HOME)  # the anonymous home, now cached

    member_home = home_of(client, "membre")
    anonymous_home = home_of(client, None)
    other_home = home_of(client, "referente")

    assert "Un atelier de quartier" in member_home and "Bonjour Thomas" in member_home
    assert "Un atelier de quartier" not in anonymous_home and PROPOSALS not in anonymous_home
    assert "Un atelier de quartier" not in other_home and "Bonjour Thomas" not in other_home


def test_a_member_does_not_get_the_anonymous_copy(client, demo):
    client.get(HOME)
    client.get(HOME)  # cached

    login(client, "membre")
    response = client.get(HOME)

    assert response.headers.get(CACHE_HEADER) is None
    assert MEETINGS in response.content.decode()


# -- Constant query counts --------------------------------------------------------------------

# Queries of the whole home page for one person, whatever the number of rows.
HOME_QUERIES = 40


def give_rows(username: str, count: int) -> None:
    """`count` upcoming meetings, followed dossiers (each with a new contribution) and
    proposals for this person."""
    user = get_user_model().objects.get(username=username)
    member = Member.objects.get(user=user)
    dossiers = DossierIndexPage.objects.order_by("path").first()
    for number in range(count):
        event = upcoming_event(f"Rencontre {number}", f"rencontre-essai-{number}", 30 + number)
        registered(user, event)
        dossier = DossierPage(title=f"Dossier {number}", slug=f"dossier-essai-{number}", theme="T")
        dossiers.add_child(instance=dossier)
        dossier.save_revision().publish()
        contribution = ContributionPage(
            title=f"Nouveauté {number}", slug=f"nouveaute-{number}", date=timezone.localdate()
        )
        dossier.add_child(instance=contribution)
        contribution.save_revision().publish()
        follow(user, dossier)
        propose(username, f"Proposition {number}", member.colleges.first().slug, dossier.slug)


@pytest.mark.parametrize("count", [2, 10])
@pytest.mark.parametrize("username", ["membre", "referente", "coordination"])
def test_the_member_home_keeps_a_bounded_number_of_queries(
    client, demo, django_assert_max_num_queries, username, count
):
    give_rows(username, count)
    login(client, username)
    client.get(HOME)  # warm per-process caches (content types, site root)

    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get(HOME)

    html = response.content.decode()
    # The soonest meeting, the newest contribution and proposal; five items at most.
    assert ">Rencontre 0</a>" in html and ">Rencontre 5</a>" not in html
    assert f">Nouveauté {count - 1}</a>" in html and f">Proposition {count - 1}</a>" in html
