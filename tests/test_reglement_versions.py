"""The règlement's versions: the diff, the pages readers see, and the colleges' approval."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import PageLogEntry

from cms.models import ReglementPage
from cms.reglement import approvals
from cms.reglement.diff import Article, Change, Status, Text, compare, html_paragraphs
from cms.reglement.models import CollegeApproval, ReglementVersion, VersionProposal
from cms.reglement.templatetags.reglement_tags import segments_html
from members.models import College
from tests.conftest import COLLEGES, PEOPLE, load, loaded_once, users_of
from tests.pages import PA_COLLEGE, articles, convention_document, reglement, reglement_version

# ---------------------------------------------------------------------------
# The diff, on known texts


def article(title: str, body: str, key: str = "") -> Article:
    return Article(title=title, body=f"<p>{body}</p>", key=key)


# What the two texts share: the intro and two articles left as they were.
INTRO = "<p>Texte adopté en 2020.</p>"
KEPT_OBJET = article("Objet", "Le règlement organise la convention.", "a")
KEPT_INSTANCES = article("Instances", "L'assemblée se réunit une fois par an.", "d")
OLD = Text(
    intro=INTRO,
    articles=(
        KEPT_OBJET,
        article("Adhésion", "On adhère par courrier à la coordination.", "b"),
        article("Outils", "Les documents circulent par courriel.", "c"),
        KEPT_INSTANCES,
    ),
)
NEW = Text(
    intro=INTRO,
    articles=(
        KEPT_OBJET,
        article("Adhésion", "On adhère en ligne auprès de la coordination.", "b"),
        KEPT_INSTANCES,
        article("Comités locaux", "Trois collèges suffisent pour créer un comité.", "e"),
    ),
)


def by_status(diff, status: Status) -> list[str]:
    return [(a.new or a.old).title for a in diff.articles if a.status == status]


def test_diff_reports_an_added_article():
    assert by_status(compare(OLD, NEW), Status.ADDED) == ["Comités locaux"]


def test_diff_reports_a_removed_article_where_it_stood():
    diff = compare(OLD, NEW)
    assert by_status(diff, Status.REMOVED) == ["Outils"]
    titles = [(a.new or a.old).title for a in diff.articles]
    assert titles == ["Objet", "Adhésion", "Outils", "Instances", "Comités locaux"]


def test_diff_reports_changed_and_unchanged_articles():
    diff = compare(OLD, NEW)
    assert by_status(diff, Status.CHANGED) == ["Adhésion"]
    assert by_status(diff, Status.UNCHANGED) == ["Objet", "Instances"]
    assert (diff.added, diff.removed, diff.changed, diff.unchanged) == (1, 1, 1, 2)


def test_diff_marks_the_changed_words_only():
    changed = next(a for a in compare(OLD, NEW).articles if a.status == Status.CHANGED)
    (paragraph,) = changed.body
    deleted = [s.text for s in paragraph if s.kind == Change.DELETE]
    inserted = [s.text for s in paragraph if s.kind == Change.INSERT]
    assert deleted == ["par courrier à"]
    assert inserted == ["en ligne auprès de"]
    assert "".join(s.text for s in paragraph if s.kind != Change.DELETE) == (
        "On adhère en ligne auprès de la coordination."
    )


def test_diff_groups_consecutive_unchanged_articles_for_folding():
    old = Text(articles=tuple(article(f"T{i}", f"Texte {i}.") for i in range(4)))
    new = Text(articles=(*old.articles[:3], article("T3", "Texte modifié.")))
    groups = compare(old, new).groups()
    assert [(g.unchanged, len(g.articles)) for g in groups] == [(True, 3), (False, 1)]


def test_articles_are_matched_by_block_id_through_a_rename():
    old = Text(
        articles=(article("Communication", "Les comptes rendus partent par courriel.", "k"),)
    )
    new = Text(articles=(article("Données", "Chacun choisit ce qu'il montre.", "k"),))
    (only,) = compare(old, new).articles
    assert only.status == Status.CHANGED
    assert only.title_changed


def test_articles_are_matched_by_title_when_ids_are_unknown():
    old = Text(articles=(article("Objet", "Un."), article("Adhésion", "Deux.")))
    new = Text(articles=(article("adhesion", "Deux."), article("OBJET", "Un.")), intro="")
    diff = compare(old, new)
    assert [a.status for a in diff.articles] == [Status.CHANGED, Status.CHANGED]
    assert [(a.old_number, a.new_number) for a in diff.articles] == [(2, 1), (1, 2)]


def test_a_renamed_article_without_id_is_matched_by_position_when_mostly_the_same():
    body = "Les frais de transport et de repas sont remboursés sur justificatif."
    old = Text(articles=(article("Frais", body),))
    new = Text(articles=(article("Remboursements", body.replace("repas", "garde")),))
    (only,) = compare(old, new).articles
    assert only.status == Status.CHANGED


def test_unrelated_articles_are_not_paired_by_position():
    old = Text(articles=(article("Outils", "Les documents circulent par courriel."),))
    new = Text(articles=(article("Comités", "Trois collèges suffisent pour créer un comité."),))
    assert [a.status for a in compare(old, new).articles] == [Status.REMOVED, Status.ADDED]


def test_formatting_alone_is_not_a_change():
    old = Text(articles=(Article("Objet", "<p>Le <b>règlement</b> organise.</p>"),))
    new = Text(articles=(Article("Objet", "<p>Le règlement   organise.</p>"),))
    assert not compare(old, new).has_changes


def test_changed_introduction_is_reported():
    diff = compare(Text(intro="<p>Version un.</p>"), Text(intro="<p>Version deux.</p>"))
    assert diff.intro_changed


def test_rich_text_paragraphs_and_list_items_are_separate():
    html = "<p>Premier.</p><ul><li>Un <a href='#'>lien</a></li><li>Deux</li></ul>"
    assert html_paragraphs(html) == ["Premier.", "Un lien", "Deux"]


def test_diff_html_labels_changes_for_screen_readers_and_escapes_text():
    old = Text(articles=(article("Objet", "Texte &lt;ancien&gt;."),))
    new = Text(articles=(article("Objet", "Texte nouveau."),))
    (changed,) = compare(old, new).articles
    html = str(segments_html(changed.body[0]))
    assert '<del><span class="visually-hidden">[supprimé : </span>&lt;ancien&gt;' in html
    assert '<ins><span class="visually-hidden">[ajouté : </span>nouveau' in html


# ---------------------------------------------------------------------------
# A restricted règlement: its versions are as restricted as the page

OBJET = ("objet", "Objet", "Le règlement organise.")
TREE = convention_document(
    reglement(
        reglement_version(
            "2.0",
            "2024-01-10",
            articles(OBJET, ("adhesion", "Adhésion", "On adhère en ligne.")),
            approved_by=["personnes-accompagnees"],
        ),
        reglement_version(
            "1.0",
            "2020-01-10",
            articles(OBJET, ("adhesion", "Adhésion", "On adhère par écrit.")),
            approved_by=["personnes-accompagnees"],
        ),
        visibility=PA_COLLEGE,
    )
)


restricted_site = loaded_once("restricted_site", {"colleges": COLLEGES}, PEOPLE, TREE)


restricted = users_of("restricted_site", "restricted")


@pytest.mark.parametrize("route", ["versions/", "versions/comparer/", "pdf/"])
def test_restricted_reglement_versions_are_refused_to_other_colleges(client, restricted, route):
    client.force_login(restricted["formation"])
    page = ReglementPage.objects.get()
    assert client.get(page.url + route).status_code == 403


def test_restricted_reglement_versions_send_anonymous_readers_to_log_in(client, restricted):
    response = client.get(ReglementPage.objects.get().url + "versions/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_restricted_reglement_versions_render_for_its_college(client, restricted):
    client.force_login(restricted["pa"])
    page = ReglementPage.objects.get()
    version = page.versions.get()
    assert client.get(page.url + "versions/").status_code == 200
    assert client.get(f"{page.url}versions/{version.pk}/").status_code == 200
    html = client.get(f"{page.url}versions/comparer/").content.decode()
    assert "par écrit" in html and "en ligne" in html


def test_article_keys_give_the_same_block_id_in_every_version(restricted):
    page = ReglementPage.objects.get()
    version = page.versions.get()
    assert [a["id"] for a in version.articles] == [block.id for block in page.articles]


def test_loading_versions_twice_changes_nothing(restricted):
    assert not load(TREE)


# ---------------------------------------------------------------------------
# Approval by every college

REFERENTS = {
    "users": [
        {"username": f"ref-{slug}", "password": "x-secret-1", "colleges": [slug],
         "roles": ["member", "referent"]}
        for slug in ("personnes-accompagnees", "acteurs-formation", "collectivites-territoriales")
    ]
}  # fmt: skip


@pytest.fixture
def council(restricted):
    load(REFERENTS)
    users = {user.username: user for user in get_user_model().objects.all()}
    page = ReglementPage.objects.get()
    page.articles.append(
        ("article", {"title": "Comités locaux", "body": "<p>Trois suffisent.</p>"})
    )
    page.save_revision(user=users["coord"])
    return users


def a_proposal(users) -> VersionProposal:
    return approvals.propose(ReglementPage.objects.get(), users["coord"], "3.0")


def approve_all(proposal: VersionProposal, users) -> None:
    for college in College.objects.all():
        approvals.approve(proposal, college, users[f"ref-{college.slug}"])


def test_only_coordination_may_propose_a_version(council):
    with pytest.raises(approvals.Refused):
        approvals.propose(ReglementPage.objects.get(), council["ref-acteurs-formation"], "3.0")
    assert not VersionProposal.objects.exists()


def test_a_proposal_needs_a_draft(council):
    page = ReglementPage.objects.get()
    page.get_latest_revision().publish()
    with pytest.raises(approvals.Refused, match="brouillon"):
        approvals.propose(ReglementPage.objects.get(), council["coord"], "3.0")


def test_a_proposal_needs_a_new_version_label(council):
    with pytest.raises(approvals.Refused, match="existe déjà"):
        approvals.propose(ReglementPage.objects.get(), council["coord"], "1.0")


def test_a_referent_records_the_approval_of_their_college(council):
    proposal = a_proposal(council)
    college = College.objects.get(slug="acteurs-formation")
    approvals.approve(proposal, college, council["ref-acteurs-formation"])
    assert CollegeApproval.objects.get(proposal=proposal).college == college


def test_a_referent_cannot_approve_for_another_college(council):
    proposal = a_proposal(council)
    other = College.objects.get(slug="personnes-accompagnees")
    with pytest.raises(approvals.Refused, match="Seuls les référents"):
        approvals.approve(proposal, other, council["ref-acteurs-formation"])
    assert not CollegeApproval.objects.exists()


def test_coordination_cannot_approve_for_a_college(council):
    proposal = a_proposal(council)
    with pytest.raises(approvals.Refused):
        approvals.approve(proposal, College.objects.get(slug="acteurs-formation"), council["coord"])


def test_publishing_is_refused_until_every_college_approved(council):
    proposal = a_proposal(council)
    approvals.approve(
        proposal, College.objects.get(slug="acteurs-formation"), council["ref-acteurs-formation"]
    )
    with pytest.raises(approvals.Refused, match="Personnes accompagnées") as refusal:
        approvals.adopt(proposal, council["coord"])
    assert "Acteurs de la formation" not in refusal.value.message
    page = ReglementPage.objects.get()
    assert page.version_label == "2.0" and len(page.articles) == 2
    assert not page.versions.filter(label="3.0").exists()


def test_publishing_creates_the_version_and_updates_the_page(council):
    proposal = a_proposal(council)
    approve_all(proposal, council)
    version = approvals.adopt(proposal, council["coord"], on=datetime.date(2025, 5, 20))

    page = ReglementPage.objects.get()
    assert page.version_label == "3.0"
    assert page.adopted_on == datetime.date(2025, 5, 20)
    assert set(page.approved_by.all()) == set(College.objects.all())
    assert [block.value["title"] for block in page.articles][-1] == "Comités locaux"
    assert not page.has_unpublished_changes
    assert version.revision == page.live_revision
    assert [a["title"] for a in version.articles][-1] == "Comités locaux"
    assert version.approvals.count() == College.objects.count()
    assert all(a.approved_on for a in version.approvals.all())
    assert VersionProposal.objects.get().status == VersionProposal.Status.ADOPTED


def test_publishing_keeps_the_text_it_replaces_as_a_version(council):
    proposal = a_proposal(council)
    approve_all(proposal, council)
    approvals.adopt(proposal, council["coord"])
    replaced = ReglementVersion.objects.get(label="2.0")
    assert [a["title"] for a in replaced.articles] == ["Objet", "Adhésion"]


def test_approval_steps_are_in_the_audit_log(council):
    proposal = a_proposal(council)
    approve_all(proposal, council)
    approvals.adopt(proposal, council["coord"])
    actions = set(PageLogEntry.objects.values_list("action", flat=True))
    assert {"reglement.propose", "reglement.approve", "reglement.adopt"} <= actions


# Through the site


def test_a_referent_approves_on_the_proposal_page(client, council):
    proposal = a_proposal(council)
    client.force_login(council["ref-personnes-accompagnees"])
    page_html = client.get(reverse("reglement:proposal", args=[proposal.pk])).content.decode()
    assert "Enregistrer l’approbation" in page_html
    response = client.post(
        reverse("reglement:approve", args=[proposal.pk]),
        {"college": "personnes-accompagnees"},
        follow=True,
    )
    assert "est enregistrée" in response.content.decode()
    assert CollegeApproval.objects.filter(proposal=proposal).count() == 1


def test_a_referent_approving_for_another_college_gets_a_message(client, council):
    proposal = a_proposal(council)
    client.force_login(council["ref-personnes-accompagnees"])
    response = client.post(
        reverse("reglement:approve", args=[proposal.pk]),
        {"college": "acteurs-formation"},
        follow=True,
    )
    assert "Seuls les référents" in response.content.decode()
    assert not CollegeApproval.objects.exists()


def test_early_publishing_on_the_site_is_refused_with_a_message(client, council):
    proposal = a_proposal(council)
    client.force_login(council["coord"])
    response = client.post(reverse("reglement:adopt", args=[proposal.pk]), follow=True)
    assert "Publication impossible" in response.content.decode()
    assert ReglementPage.objects.get().version_label == "2.0"


def propose_as_coordination(client, council: dict, label: str):
    """The coordination's « propose a version » form on the site, sent with `label`."""
    client.force_login(council["coord"])
    page = ReglementPage.objects.get()
    return client.post(reverse("reglement:propose", args=[page.pk]), {"label": label})


def test_coordination_proposes_on_the_site(client, council):
    response = propose_as_coordination(client, council, "3.0")
    assert response.status_code == 302
    assert VersionProposal.objects.get().label == "3.0"


def test_proposing_with_an_empty_label_shows_a_message(client, council):
    response = propose_as_coordination(client, council, "  ")
    assert response.status_code == 400
    assert "Indiquez le numéro" in response.content.decode()
    assert not VersionProposal.objects.exists()


def test_members_who_are_not_referents_cannot_follow_proposals(client, council):
    client.force_login(council["formation"])
    assert client.get(reverse("reglement:proposals")).status_code == 403


def test_coordination_sees_the_progress_of_proposals(client, council):
    proposal = a_proposal(council)
    approvals.approve(
        proposal, College.objects.get(slug="acteurs-formation"), council["ref-acteurs-formation"]
    )
    client.force_login(council["coord"])
    html = client.get(reverse("reglement:proposals")).content.decode()
    assert "Version 3.0" in html and "1 sur 3" in html
