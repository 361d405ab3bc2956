"""Members propose contributions from the site, follow them, and may withdraw them."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.models import PageLogEntry, PageViewRestriction, TaskState, WorkflowState

from cms.editorial.models import Proposal
from cms.editorial.queries import proposals_of
from cms.editorial.uploads import MAX_FILE_SIZE
from cms.models import ContributionPage, DossierPage
from cms.visibility import COLLEGES, MEMBERS, PUBLIC, visibility_of
from tests.conftest import COLLEGES as COLLEGE_LIST
from tests.conftest import loaded_once
from tests.own_media import users_with_own_media
from tests.pages import PA_COLLEGE, dossier, dossier_tree

CONTENT = {
    "colleges": COLLEGE_LIST,
    "users": [
        {"username": "auteur", "password": "x-secret-1", "email": "auteur@example.org",
         "colleges": ["personnes-accompagnees", "collectivites-territoriales"],
         "roles": ["member"]},
        {"username": "ref-pa", "password": "x-secret-1", "email": "ref-pa@example.org",
         "colleges": ["personnes-accompagnees"], "roles": ["member", "referent"]},
        {"username": "formation", "password": "x-secret-1",
         "colleges": ["acteurs-formation"], "roles": ["member"]},
        {"username": "ref-formation", "password": "x-secret-1",
         "colleges": ["acteurs-formation"], "roles": ["member", "referent"]},
        {"username": "coord", "password": "x-secret-1", "email": "coord@example.org",
         "colleges": ["acteurs-formation"], "roles": ["member", "coordination"]},
        {"username": "sans-college", "password": "x-secret-1"},
    ],
    **dossier_tree(
        dossier("ouvert", "Dossier ouvert", "Éthique"),
        dossier("reserve", "Dossier PA", "Paroles", visibility=PA_COLLEGE),
        dossier("clos", "Dossier clos", "Archives", status="clos"),
    ),
}  # fmt: skip

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


proposals_site = loaded_once("proposals_site", CONTENT)


@pytest.fixture
def people(proposals_site, db, settings, tmp_path):
    return users_with_own_media(settings, tmp_path)


def dossier(slug: str = "ouvert") -> DossierPage:
    return DossierPage.objects.get(slug=slug)


def propose_url(slug: str = "ouvert") -> str:
    return reverse("editorial:propose", args=[dossier(slug).pk])


def form_data(**overrides) -> dict:
    data = {
        "title": "Accueillir sans écran",
        "contribution_type": "temoignage",
        "date": "2025-03-14",
        "summary": "Ce que nous proposons pour l'accueil.",
        "text": "Premier paragraphe.\n\nSecond paragraphe.",
        "preconisations": "Garder un guichet : ouvert sans rendez-vous\nFormer les agents",
        "visibility": MEMBERS,
        "on_behalf_of": ["personnes-accompagnees"],
    }
    data.update(overrides)
    return data


def pdf(name: str = "compte-rendu.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def post(client, user, data=None, slug: str = "ouvert"):
    client.force_login(user)
    return client.post(propose_url(slug), data or form_data())


def nothing_created() -> bool:
    return not (
        ContributionPage.objects.exists()
        or Document.objects.exists()
        or Proposal.objects.exists()
        or WorkflowState.objects.exists()
    )


def act(client, user, action: str, comment: str = "", contribution=None):
    """The reviewer acts on the (only) proposal's current step, as from the admin."""
    client.force_login(user)
    contribution = contribution or ContributionPage.objects.get()
    task_state = contribution.current_workflow_task_state
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[contribution.pk, action, task_state.pk]
    )
    return client.post(url, {"comment": comment})


def approve(client, user, contribution: ContributionPage):
    return act(client, user, "approve", contribution=contribution)


# -- the form -----------------------------------------------------------------------


def test_member_sees_the_form_in_french(client, people):
    client.force_login(people["auteur"])
    response = client.get(propose_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "Proposer une contribution" in content
    assert "Une préconisation par ligne" in content


def test_dossier_page_links_to_the_form_for_a_logged_in_reader(client, people):
    client.force_login(people["auteur"])
    response = client.get(dossier().url)
    assert propose_url() in response.content.decode()


def test_anonymous_reader_is_sent_to_login(client, people):
    response = client.get(propose_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_member_who_may_not_see_the_dossier_gets_404(client, people):
    client.force_login(people["formation"])
    assert client.get(propose_url("reserve")).status_code == 404
    assert client.post(propose_url("reserve"), form_data()).status_code == 404
    assert nothing_created()


def test_account_without_college_is_refused(client, people):
    client.force_login(people["sans-college"])
    response = client.get(propose_url())
    assert response.status_code == 403
    assert "membres actifs rattachés à un collège" in response.content.decode()


def test_closed_dossier_refuses_proposals(client, people):
    client.force_login(people["auteur"])
    assert client.get(propose_url("clos")).status_code == 403


def test_unknown_dossier_is_not_found(client, people):
    client.force_login(people["auteur"])
    assert client.get(reverse("editorial:propose", args=[999999])).status_code == 404


# -- what a proposal creates ----------------------------------------------------------


def test_proposal_creates_a_draft_contribution_under_the_dossier(client, people):
    response = post(client, people["auteur"], form_data(attachments=[pdf()]))
    assert response.status_code == 302
    page = ContributionPage.objects.get()
    assert page.get_parent().pk == dossier().pk
    assert not page.live
    assert page.owner == people["auteur"]
    assert [m.user.username for m in page.authors.all()] == ["auteur"]
    assert [c.slug for c in page.colleges.all()] == ["personnes-accompagnees"]
    assert page.contribution_type == ContributionPage.Type.TEMOIGNAGE


@pytest.mark.parametrize("typed", ["2025-03-14", "14/03/2025", "14.03.2025"])
def test_type_and_date_of_the_work_are_stored_on_the_page(client, people, typed):
    post(client, people["auteur"], form_data(contribution_type="compte_rendu", date=typed))
    page = ContributionPage.objects.get()
    assert page.contribution_type == ContributionPage.Type.COMPTE_RENDU
    assert page.date == datetime.date(2025, 3, 14)


@pytest.mark.parametrize("bad", ["31/02/2025", "demain", "14/03/0025", ""])
def test_a_date_that_is_not_a_real_date_is_explained(client, people, bad):
    response = post(client, people["auteur"], form_data(date=bad))
    assert response.status_code == 400
    content = response.content.decode()
    assert "Cette date n’existe pas" in content or "Indiquez la date" in content
    assert nothing_created()


def test_an_unknown_contribution_type_is_refused(client, people):
    response = post(client, people["auteur"], form_data(contribution_type="roman"))
    assert response.status_code == 400
    assert nothing_created()


def test_preconisations_become_blocks_one_per_line(client, people):
    post(client, people["auteur"])
    rows = DossierPage.preconisations_of([ContributionPage.objects.get()])
    assert [(row.title, row.description) for row in rows] == [
        ("Garder un guichet", "ouvert sans rendez-vous"),
        ("Former les agents", ""),
    ]


def test_attachments_become_documents_in_the_propositions_collection(client, people):
    post(client, people["auteur"], form_data(attachments=[pdf(), pdf("photo.png", PNG)]))
    page = ContributionPage.objects.get()
    documents = [attachment.document for attachment in page.attachments.all()]
    assert len(documents) == 2
    assert {document.collection.name for document in documents} == {"Propositions"}
    assert all(document.uploaded_by_user == people["auteur"] for document in documents)


@pytest.mark.parametrize(
    ("level", "colleges", "expected"),
    [
        (PUBLIC, [], (PUBLIC, ())),
        (MEMBERS, [], (MEMBERS, ())),
        (COLLEGES, ["collectivites-territoriales"], (COLLEGES, ("collectivites-territoriales",))),
    ],
)
def test_chosen_visibility_is_stored_on_the_page(client, people, level, colleges, expected):
    post(client, people["auteur"], form_data(visibility=level, visible_to=colleges))
    visibility = visibility_of(ContributionPage.objects.get())
    assert (visibility.level, visibility.college_slugs) == expected


def test_visibility_may_not_name_a_college_of_someone_else(client, people):
    response = post(
        client, people["auteur"], form_data(visibility=COLLEGES, visible_to=["acteurs-formation"])
    )
    assert response.status_code == 400
    assert nothing_created()


def test_on_behalf_of_a_college_that_is_not_ones_own_is_refused(client, people):
    response = post(client, people["auteur"], form_data(on_behalf_of=["acteurs-formation"]))
    assert response.status_code == 400
    assert nothing_created()


def test_proposal_is_submitted_to_the_review_workflow(client, people):
    post(client, people["auteur"])
    page = ContributionPage.objects.get()
    state = page.workflow_states.get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == people["auteur"]
    actions = list(PageLogEntry.objects.filter(page=page).values_list("action", flat=True))
    assert "wagtail.create" in actions and "wagtail.workflow.start" in actions


def test_missing_fields_are_explained_and_nothing_is_created(client, people):
    response = post(client, people["auteur"], form_data(title="", on_behalf_of=[]))
    assert response.status_code == 400
    content = response.content.decode()
    assert "Le formulaire contient 2 erreurs" in content
    assert "Choisissez au moins un de vos collèges." in content
    assert nothing_created()


# -- bad uploads ----------------------------------------------------------------------


def test_too_big_a_file_is_refused_with_a_message(client, people):
    big = pdf("lourd.pdf", PDF + b"0" * MAX_FILE_SIZE)
    response = post(client, people["auteur"], form_data(attachments=[big]))
    assert response.status_code == 400
    assert "« lourd.pdf » est trop lourd" in response.content.decode()
    assert nothing_created()


def test_a_file_of_a_refused_type_is_refused_with_a_message(client, people):
    script = SimpleUploadedFile("outil.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = post(client, people["auteur"], form_data(attachments=[script]))
    assert response.status_code == 400
    assert "ce type de fichier n&#x27;est pas accepté" in response.content.decode()
    assert nothing_created()


def test_a_renamed_file_is_refused_because_of_its_content(client, people):
    fake = pdf("faux.pdf", b"MZ\x90\x00 not a pdf")
    response = post(client, people["auteur"], form_data(attachments=[fake]))
    assert response.status_code == 400
    assert "« faux.pdf » ne contient pas un fichier PDF valide" in response.content.decode()
    assert nothing_created()


def test_more_than_five_files_are_refused_with_a_message(client, people):
    files = [pdf(f"piece-{index}.pdf") for index in range(6)]
    response = post(client, people["auteur"], form_data(attachments=files))
    assert response.status_code == 400
    assert "Vous avez joint 6 fichiers : 5 au maximum." in response.content.decode()
    assert nothing_created()


def test_text_and_office_files_are_recognised_by_content(client, people):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    docx = SimpleUploadedFile("note.docx", buffer.getvalue())
    text = SimpleUploadedFile("note.txt", "Une note accentuée.".encode())
    response = post(client, people["auteur"], form_data(attachments=[docx, text]))
    assert response.status_code == 302
    assert Document.objects.count() == 2


# -- following one's proposals ---------------------------------------------------------


def statuses(user) -> list[tuple[str, str]]:
    return [(item.status_code, item.status_label) for item in proposals_of(user)]


def with_comment(user) -> list[tuple[str, str, str]]:
    return [(item.status_code, item.status_label, item.comment) for item in proposals_of(user)]


def test_new_proposal_is_listed_as_in_review_by_its_college(client, people):
    post(client, people["auteur"])
    assert statuses(people["auteur"]) == [
        ("college_review", "En relecture par les référents du collège Personnes accompagnées")
    ]
    response = client.get(reverse("editorial:list"))
    assert "En relecture par les référents du collège Personnes accompagnées" in (
        response.content.decode()
    )


def test_proposal_goes_from_the_site_form_to_publication(client, people):
    post(client, people["auteur"], form_data(visibility=PUBLIC))
    page = ContributionPage.objects.get()
    assert approve(client, people["ref-pa"], page).status_code == 302
    assert statuses(people["auteur"])[0] == (
        "coordination_review",
        "En relecture par la coordination",
    )
    assert approve(client, people["coord"], page).status_code == 302
    page.refresh_from_db()
    assert page.live
    item = proposals_of(people["auteur"])[0]
    assert (item.status_code, item.status_label, item.url) == ("published", "Publiée", page.url)
    client.logout()
    assert client.get(page.url).status_code == 200


def test_proposal_sent_back_shows_changes_requested_with_the_reviewers_comment(client, people):
    post(client, people["auteur"])
    act(client, people["ref-pa"], "reject", "Ajoutez un exemple.")
    assert with_comment(people["auteur"]) == [
        ("changes_requested", "Modifications demandées", "Ajoutez un exemple.")
    ]


def test_listing_proposals_takes_a_bounded_number_of_queries(client, people):
    for index in range(3):
        post(client, people["auteur"], form_data(title=f"Proposition {index}"))
    with CaptureQueriesContext(connection) as few:
        proposals_of(people["auteur"])
    for index in range(3, 8):
        post(client, people["auteur"], form_data(title=f"Proposition {index}"))
    with CaptureQueriesContext(connection) as many:
        assert len(proposals_of(people["auteur"])) == 8
    assert len(many) == len(few)


def test_others_proposals_are_not_listed(client, people):
    post(client, people["auteur"])
    assert proposals_of(people["ref-pa"]) == []


# -- withdrawing ------------------------------------------------------------------------


def withdraw_url() -> str:
    return reverse("editorial:withdraw", args=[ContributionPage.objects.get().pk])


def test_withdraw_asks_for_confirmation_first(client, people):
    post(client, people["auteur"])
    response = client.get(withdraw_url())
    assert response.status_code == 200
    assert "Oui, retirer ma proposition" in response.content.decode()
    assert ContributionPage.objects.get().workflow_in_progress


def test_withdraw_cancels_the_review_and_nothing_is_published(client, people):
    post(client, people["auteur"])
    response = client.post(withdraw_url())
    assert response.status_code == 302
    page = ContributionPage.objects.get()
    assert not page.live
    assert page.workflow_states.get().status == WorkflowState.STATUS_CANCELLED
    assert not TaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS).exists()
    assert statuses(people["auteur"]) == [("withdrawn", "Retirée")]
    assert PageLogEntry.objects.filter(page=page, action="wagtail.workflow.cancel").exists()


def test_someone_else_cannot_withdraw_a_proposal(client, people):
    post(client, people["auteur"])
    client.force_login(people["ref-pa"])
    assert client.post(withdraw_url()).status_code == 404
    assert ContributionPage.objects.get().workflow_in_progress


def test_a_published_proposal_cannot_be_withdrawn(client, people):
    post(client, people["auteur"])
    page = ContributionPage.objects.get()
    approve(client, people["ref-pa"], page)
    approve(client, people["coord"], page)
    client.force_login(people["auteur"])
    response = client.post(withdraw_url())
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live


def test_a_college_restricted_proposal_keeps_its_restriction_after_publication(client, people):
    post(
        client,
        people["auteur"],
        form_data(visibility=COLLEGES, visible_to=["personnes-accompagnees"]),
    )
    page = ContributionPage.objects.get()
    approve(client, people["ref-pa"], page)
    approve(client, people["coord"], page)
    assert PageViewRestriction.objects.filter(page=page).exists()
    client.force_login(people["formation"])
    assert client.get(page.url).status_code == 403


# -- attachments during review -------------------------------------------------------


def attachment_of_new_proposal(client, people) -> Document:
    with_pdf = form_data(attachments=[pdf()])
    post(client, people["auteur"], with_pdf)
    return ContributionPage.objects.get().attachments.get().document


def test_the_college_referent_may_open_an_attachment_under_review(client, people):
    from cms.access import can_view_file

    document = attachment_of_new_proposal(client, people)

    assert can_view_file(people["ref-pa"], document)


def test_a_member_of_another_college_may_not_open_an_attachment_under_review(client, people):
    from cms.access import can_view_file

    document = attachment_of_new_proposal(client, people)

    assert not can_view_file(people["formation"], document)


def test_a_withdrawn_proposal_closes_its_attachments_to_the_referent(client, people):
    from cms.access import can_view_file

    document = attachment_of_new_proposal(client, people)
    client.force_login(people["auteur"])
    client.post(withdraw_url())

    assert not can_view_file(people["ref-pa"], document)


# -- drafts -----------------------------------------------------------------------------


def edit_url() -> str:
    return reverse("editorial:edit", args=[ContributionPage.objects.get().pk])


def save_draft(client, user, **fields):
    client.force_login(user)
    return client.post(propose_url(), {**fields, "action": "draft"})


def test_saving_a_draft_keeps_the_page_out_of_review(client, people):
    response = post(client, people["auteur"], form_data(action="draft"))
    assert response.status_code == 302
    page = ContributionPage.objects.get()
    assert not page.live
    assert not WorkflowState.objects.exists()
    assert statuses(people["auteur"]) == [("draft", "Brouillon, pas encore envoyé en relecture")]


def test_a_draft_needs_only_its_title(client, people):
    response = save_draft(client, people["auteur"], title="Une idée à creuser")
    assert response.status_code == 302
    assert ContributionPage.objects.get().draft_title == "Une idée à creuser"


def test_a_draft_without_a_title_is_explained_and_nothing_is_created(client, people):
    response = save_draft(client, people["auteur"], summary="Sans titre")
    assert response.status_code == 400
    assert "Rien n’a été enregistré" in response.content.decode()
    assert nothing_created()


def test_the_list_links_a_draft_to_the_page_that_finishes_it(client, people):
    post(client, people["auteur"], form_data(action="draft"))
    content = client.get(reverse("editorial:list")).content.decode()
    assert f'href="{edit_url()}"' in content
    assert "Terminer et envoyer" in content


def test_the_draft_comes_back_as_the_member_typed_it(client, people):
    post(client, people["auteur"], form_data(action="draft", text="Un\n\nDeux [lien](/c/)"))
    response = client.get(edit_url())
    assert response.status_code == 200
    form = response.context["form"]
    assert form["title"].value() == "Accueillir sans écran"
    assert form["text"].value() == "Un\n\nDeux [lien](/c/)"
    assert form["preconisations"].value() == (
        "Garder un guichet : ouvert sans rendez-vous\nFormer les agents"
    )
    assert form["on_behalf_of"].value() == ["personnes-accompagnees"]
    assert form["contribution_type"].value() == "temoignage"


def test_saving_the_draft_again_keeps_it_a_draft_with_the_changes(client, people):
    post(client, people["auteur"], form_data(action="draft"))
    response = client.post(edit_url(), form_data(title="Titre revu", action="draft"))
    assert response.status_code == 302
    page = ContributionPage.objects.get()
    assert page.get_latest_revision_as_object().title == "Titre revu"
    assert not WorkflowState.objects.exists()


def test_finishing_a_draft_sends_it_to_its_colleges_referents(client, people):
    post(client, people["auteur"], form_data(action="draft"))
    response = client.post(edit_url(), form_data(action="submit"))
    assert response.status_code == 302
    assert statuses(people["auteur"]) == [
        ("college_review", "En relecture par les référents du collège Personnes accompagnées")
    ]


def test_sending_an_incomplete_draft_is_explained_and_nothing_changes(client, people):
    save_draft(client, people["auteur"], title="Une idée à creuser")
    revisions = ContributionPage.objects.get().revisions.count()
    response = client.post(edit_url(), {"title": "Une idée à creuser", "action": "submit"})
    assert response.status_code == 400
    assert "Choisissez le genre de votre contribution." in response.content.decode()
    assert ContributionPage.objects.get().revisions.count() == revisions
    assert not WorkflowState.objects.exists()


# -- changes requested, then sent back ---------------------------------------------------


def reject(client, user, comment: str = "Ajoutez un exemple de quartier."):
    return act(client, user, "reject", comment)


def sent_back(client, people) -> None:
    """A proposal the college's referent sent back with a comment; the proposer logged in."""
    post(client, people["auteur"])
    reject(client, people["ref-pa"])
    client.force_login(people["auteur"])


def test_the_list_links_a_proposal_sent_back_to_its_edit_page(client, people):
    sent_back(client, people)
    content = client.get(reverse("editorial:list")).content.decode()
    assert "Modifications demandées" in content
    assert f'href="{edit_url()}"' in content


def test_the_edit_page_shows_the_reviewers_comment_beside_the_form(client, people):
    sent_back(client, people)
    content = client.get(edit_url()).content.decode()
    assert "Ce que demande la relecture" in content
    assert "Ajoutez un exemple de quartier." in content
    assert "Relecture par les référents du collège" in content
    assert content.index("Ajoutez un exemple") < content.index('name="title"')
    assert "Renvoyer en relecture" in content


def test_resubmitting_resumes_the_same_review_on_a_new_revision(client, people):
    sent_back(client, people)
    state = WorkflowState.objects.get()
    response = client.post(edit_url(), form_data(text="Avec un exemple : le quartier Nord."))
    assert response.status_code == 302
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert WorkflowState.objects.count() == 1
    page = ContributionPage.objects.get()
    task_state = page.current_workflow_task_state
    assert task_state.revision_id == page.latest_revision_id
    assert "le quartier Nord" in str(task_state.revision.as_object().body)
    assert PageLogEntry.objects.filter(page=page, action="wagtail.workflow.resume").exists()
    assert statuses(people["auteur"])[0][0] == "college_review"


def test_the_referent_reviews_the_new_revision(client, people):
    sent_back(client, people)
    client.post(edit_url(), form_data(title="Accueillir sans écran, avec un exemple"))
    reviewable = TaskState.objects.reviewable_by(people["ref-pa"])
    assert reviewable.count() == 1
    assert reviewable.get().revision.as_object().title == "Accueillir sans écran, avec un exemple"


def test_changes_asked_by_coordination_go_back_to_coordination(client, people):
    post(client, people["auteur"])
    approve(client, people["ref-pa"], ContributionPage.objects.get())
    reject(client, people["coord"], "Précisez la date.")
    client.force_login(people["auteur"])
    assert "Précisez la date." in client.get(edit_url()).content.decode()
    client.post(edit_url(), form_data())
    assert statuses(people["auteur"])[0] == (
        "coordination_review",
        "En relecture par la coordination",
    )


def test_attachments_stay_unless_the_member_unticks_them(client, people):
    post(client, people["auteur"], form_data(attachments=[pdf("a.pdf"), pdf("b.pdf")]))
    reject(client, people["ref-pa"])
    client.force_login(people["auteur"])
    documents = {document.title: document.pk for document in Document.objects.all()}
    client.post(edit_url(), form_data(keep_attachments=[str(documents["a"])]))
    page = ContributionPage.objects.get().get_latest_revision_as_object()
    assert [attachment.document.title for attachment in page.attachments.all()] == ["a"]


def test_a_bad_date_when_sending_back_is_explained_and_changes_nothing(client, people):
    sent_back(client, people)
    revisions = ContributionPage.objects.get().revisions.count()
    response = client.post(edit_url(), form_data(date="31/02/2025"))
    assert response.status_code == 400
    assert "Cette date n’existe pas" in response.content.decode()
    assert ContributionPage.objects.get().revisions.count() == revisions
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_NEEDS_CHANGES


@pytest.mark.parametrize("who", ["ref-pa", "formation", "coord"])
def test_nobody_but_the_proposer_may_open_or_post_the_edit_page(client, people, who):
    sent_back(client, people)
    client.force_login(people[who])
    assert client.get(edit_url()).status_code == 404
    assert client.post(edit_url(), form_data(title="Pris en main")).status_code == 404
    assert ContributionPage.objects.get().get_latest_revision_as_object().title != "Pris en main"


def test_an_anonymous_reader_is_sent_to_login_from_the_edit_page(client, people):
    sent_back(client, people)
    client.logout()
    response = client.post(edit_url(), form_data(title="Pris en main"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_NEEDS_CHANGES


def test_a_proposal_in_review_cannot_be_edited(client, people):
    post(client, people["auteur"])
    response = client.post(edit_url(), form_data(title="Changé en cours de route"))
    assert response.status_code == 302
    assert ContributionPage.objects.get().get_latest_revision_as_object().title != (
        "Changé en cours de route"
    )


def test_an_unknown_proposal_is_not_found(client, people):
    client.force_login(people["auteur"])
    assert client.get(reverse("editorial:edit", args=[999999])).status_code == 404


# -- withdrawn, refused ------------------------------------------------------------------


def test_a_draft_can_be_withdrawn(client, people):
    post(client, people["auteur"], form_data(action="draft"))
    assert client.post(withdraw_url()).status_code == 302
    assert statuses(people["auteur"]) == [("withdrawn", "Retirée")]
    assert client.get(edit_url()).status_code == 302  # back to the list: no longer editable


def test_a_proposal_sent_back_can_be_withdrawn(client, people):
    sent_back(client, people)
    client.post(withdraw_url())
    assert statuses(people["auteur"]) == [("withdrawn", "Retirée")]
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_CANCELLED


def test_a_review_cancelled_by_coordination_makes_the_proposal_refused(client, people):
    post(client, people["auteur"])
    WorkflowState.objects.get().cancel(user=people["coord"])
    assert statuses(people["auteur"]) == [("refused", "Refusée")]
    client.force_login(people["auteur"])
    assert client.post(edit_url(), form_data()).status_code == 302
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_CANCELLED


def test_a_referent_refusal_shows_its_reason_to_the_proposer(client, people):
    post(client, people["auteur"])
    act(client, people["ref-pa"], "refuse", "Hors du sujet du dossier.")
    assert with_comment(people["auteur"]) == [("refused", "Refusée", "Hors du sujet du dossier.")]


def test_restarting_a_refused_review_in_the_admin_reopens_the_proposal(client, people):
    post(client, people["auteur"])
    page = ContributionPage.objects.get()
    WorkflowState.objects.get().cancel(user=people["coord"])
    page.get_workflow().start(page, people["coord"])
    assert statuses(people["auteur"])[0][0] == "college_review"


# -- closed proposals in the admin --------------------------------------------------------


def closed_and_open(client, people) -> None:
    """Two proposals in « Dossier ouvert »: one withdrawn, one still in review."""
    post(client, people["auteur"], form_data(title="Proposition retirée"))
    client.post(reverse("editorial:withdraw", args=[ContributionPage.objects.get().pk]))
    post(client, people["auteur"], form_data(title="Proposition en cours"))
    client.get(reverse("editorial:list"))  # reads the messages that quote the titles


def test_closed_proposals_do_not_pile_up_in_the_dossiers_explorer(client, people):
    closed_and_open(client, people)
    client.force_login(people["coord"])
    response = client.get(reverse("wagtailadmin_explore", args=[dossier().pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Proposition en cours" in content
    assert "Proposition retirée" not in content


def test_coordination_finds_closed_proposals_in_their_own_list(client, people):
    closed_and_open(client, people)
    client.force_login(people["coord"])
    response = client.get(reverse("editorial_closed_proposals"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Proposition retirée" in content and "Retirée par son auteur" in content
    assert "Proposition en cours" not in content


@pytest.mark.parametrize("who", ["ref-pa", "ref-formation", "formation"])
def test_others_cannot_open_the_closed_proposals_list(client, people, who):
    closed_and_open(client, people)
    client.force_login(people[who])
    response = client.get(reverse("editorial_closed_proposals"), follow=True)
    assert "Proposition retirée" not in response.content.decode()
    assert response.redirect_chain or response.status_code == 403


def test_the_closed_proposals_menu_item_is_for_coordination_only(client, people):
    client.force_login(people["ref-formation"])
    assert reverse("editorial_closed_proposals") not in client.get("/admin/").content.decode()
    client.force_login(people["coord"])
    assert reverse("editorial_closed_proposals") in client.get("/admin/").content.decode()


def test_a_withdrawn_proposal_is_never_shown_on_the_site(client, people):
    closed_and_open(client, people)
    withdrawn = ContributionPage.objects.get(title="Proposition retirée")
    client.force_login(people["coord"])
    assert client.get(withdrawn.url or "/c/d/ouvert/proposition-retiree/").status_code == 404
    assert "Proposition retirée" not in client.get(dossier().url).content.decode()


def test_a_referent_of_another_college_sees_no_proposal_in_the_dossiers_explorer(client, people):
    closed_and_open(client, people)
    client.force_login(people["ref-formation"])
    response = client.get(reverse("wagtailadmin_explore", args=[dossier().pk]), follow=True)
    content = response.content.decode()
    assert "Proposition retirée" not in content
    assert "Proposition en cours" not in content


def test_the_member_homes_section_links_a_proposal_sent_back_to_its_edit_page(rf, people):
    from cms.editorial.home_section import my_proposals

    post(Client(), people["auteur"])
    reject(Client(), people["ref-pa"])
    request = rf.get("/")
    request.user = people["auteur"]
    [item] = my_proposals(request).items
    assert (item.status, item.url) == ("Modifications demandées", edit_url())


def test_the_proposer_is_told_of_a_refusal_with_its_reason(
    client, people, mailoutbox, django_capture_on_commit_callbacks
):
    post(client, people["auteur"])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(client, people["ref-pa"], "refuse", "Hors du sujet du dossier.")
    [message] = [m for m in mailoutbox if m.to == ["auteur@example.org"]]
    assert message.subject == "Votre proposition « Accueillir sans écran » n'est pas retenue"
    assert "Hors du sujet du dossier." in message.body


def test_a_withdrawal_sends_no_refusal_email(
    client, people, mailoutbox, django_capture_on_commit_callbacks
):
    post(client, people["auteur"])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(withdraw_url())
    assert not [m for m in mailoutbox if "n'est pas retenue" in m.subject]


def test_restarting_a_review_in_the_admin_sends_no_refusal_email(
    client, people, mailoutbox, django_capture_on_commit_callbacks
):
    # The admin's « restart the workflow » cancels, then starts, in one transaction.
    post(client, people["auteur"])
    page = ContributionPage.objects.get()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        WorkflowState.objects.get().cancel(user=people["coord"])
        page.get_workflow().start(page, people["coord"])
    assert not [m for m in mailoutbox if "n'est pas retenue" in m.subject]
