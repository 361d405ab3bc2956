"""A page may only reference files its editor may view; a review opens only the submitter's files.

Finding 5 of issue 10: a referent attached a document of another college to a draft of
her own, submitted it, and opened the document as the reviewer of her own submission.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, GroupCollectionPermission
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.access import can_view_file
from cms.blocks import RICH_TEXT_FEATURES
from cms.editorial import proposals
from cms.editorial.proposals import ProposalContent, create_proposal
from cms.models import ContributionAttachment, ContributionPage, DossierPage
from cms.visibility import Visibility
from members.models import College, Member
from tests.conftest import COLLEGES, loaded_once, users_by_name
from tests.pages import FORMATION_COLLEGE, PA_COLLEGE, contribution, dossier, dossier_tree

CONTENT = {
    "colleges": COLLEGES,
    "users": [
        {"username": "sylvie", "password": "x-secret-1",
         "colleges": ["collectivites-territoriales"], "roles": ["member", "referent"]},
        {"username": "auteur", "password": "x-secret-1",
         "colleges": ["collectivites-territoriales", "personnes-accompagnees"],
         "roles": ["member"]},
        {"username": "formation", "password": "x-secret-1",
         "colleges": ["acteurs-formation"], "roles": ["member"]},
        {"username": "coord", "password": "x-secret-1",
         "colleges": ["acteurs-formation"], "roles": ["member", "coordination"]},
    ],
    **dossier_tree(
        dossier(
            "espace",
            "Espace des collectivités",
            "Territoires",
            visibility={"colleges": ["collectivites-territoriales"]},
        ),
        dossier(
            "public",
            "Dossier public",
            "Éthique",
            contribution("publique", "Publique", "2025-01-01"),
            contribution(
                "formation",
                "Réservée formation",
                "2025-01-02",
                colleges=["acteurs-formation"],
                visibility=FORMATION_COLLEGE,
            ),
            contribution(
                "pa",
                "Réservée PA",
                "2025-01-03",
                colleges=["personnes-accompagnees"],
                visibility=PA_COLLEGE,
            ),
        ),
    ),
}  # fmt: skip


file_references_site = loaded_once("file_references_site", CONTENT)


@pytest.fixture
def people(file_references_site, db, settings, tmp_path):
    # Files outlive the rolled-back database: each test uploads into its own folder.
    settings.MEDIA_ROOT = tmp_path
    return users_by_name()


def contribution(slug: str) -> ContributionPage:
    return ContributionPage.objects.get(slug=slug)


def attach_document(page: ContributionPage, title: str) -> Document:
    document = Document.objects.create(title=title, file=ContentFile(b"%PDF-1.4", name="d.pdf"))
    page.attachments.add(ContributionAttachment(document=document))
    page.save_revision().publish()
    return document


def add_image(page: ContributionPage, title: str = "Photo") -> Image:
    image = Image.objects.create(title=title, file=get_test_image_file())
    page.body.append(("image", {"image": image, "alt": "Une salle", "caption": ""}))
    page.save_revision().publish()
    return image


@pytest.fixture
def secret(people) -> Document:
    """Used only by a page restricted to a college sylvie is not in."""
    return attach_document(contribution("formation"), "Document de la formation")


@pytest.fixture
def open_document(people) -> Document:
    return attach_document(contribution("publique"), "Document public")


def add_url() -> str:
    parent = DossierPage.objects.get(slug="espace")
    return reverse("wagtailadmin_pages:add", args=("cms", "contributionpage", parent.pk))


def page_form(*, attachments=(), body=(), title: str = "Notre contribution") -> dict:
    college = College.objects.get(slug="collectivites-territoriales")
    return nested_form_data(
        {
            "title": title,
            "slug": "notre-contribution",
            "contribution_type": ContributionPage.Type.SYNTHESE_ATELIER,
            "date": "2025-02-01",
            "summary": "Résumé.",
            "colleges": [college.pk],
            "body": streamfield(list(body)),
            "attachments": inline_formset(
                [{"document": str(document.pk), "title": ""} for document in attachments]
            ),
            "tags": "",
            "comments": inline_formset([]),
        }
    )


def post_new_page(client, user, data: dict):
    client.force_login(user)
    return client.post(add_url(), data)


def submit_own_draft(user, document: Document | None = None, image: Image | None = None):
    """The scenario of the finding, without the admin form: a draft of one's own, submitted."""
    parent = DossierPage.objects.get(slug="espace")
    page = ContributionPage(
        title="Brouillon", slug="brouillon", date="2025-02-01", live=False, owner=user
    )
    if document is not None:
        page.attachments = [ContributionAttachment(document=document)]
    if image is not None:
        page.body = [("image", {"image": image, "alt": "", "caption": ""})]
    page.colleges = [College.objects.get(slug="collectivites-territoriales")]
    parent.add_child(instance=page)
    page.save_revision(user=user)
    page.get_workflow().start(page, user)
    return page


# -- the admin page form ---------------------------------------------------------------


def test_attaching_a_document_one_may_not_view_is_refused_in_the_admin(client, people, secret):
    response = post_new_page(client, people["sylvie"], page_form(attachments=[secret]))

    assert response.status_code == 200
    assert not ContributionPage.objects.filter(slug="notre-contribution").exists()
    content = response.content.decode()
    assert "vous n&#x27;avez pas accès à ce fichier" in content
    assert "Document de la formation" in content


def test_a_document_block_one_may_not_view_is_refused_in_the_admin(client, people, secret):
    body = [("document", {"document": str(secret.pk), "title": ""})]
    response = post_new_page(client, people["sylvie"], page_form(body=body))

    assert response.status_code == 200
    assert not ContributionPage.objects.filter(slug="notre-contribution").exists()


def test_an_image_one_may_not_view_is_refused_in_the_admin(client, people):
    image = add_image(contribution("formation"), "Photo de la formation")
    body = [("image", {"image": str(image.pk), "alt": "", "caption": ""})]
    response = post_new_page(client, people["sylvie"], page_form(body=body))

    assert response.status_code == 200
    assert "Photo de la formation" in response.content.decode()
    assert not ContributionPage.objects.filter(slug="notre-contribution").exists()


def test_a_rich_text_link_to_a_document_one_may_not_view_is_refused(client, people, secret):
    link = f'<p>Voir <a linktype="document" id="{secret.pk}">ce document</a>.</p>'
    body = [("paragraph", rich_text(link, features=RICH_TEXT_FEATURES))]
    response = post_new_page(client, people["sylvie"], page_form(body=body))

    assert response.status_code == 200
    assert not ContributionPage.objects.filter(slug="notre-contribution").exists()


def test_adding_a_file_one_may_not_view_to_an_existing_page_is_refused(client, people, secret):
    post_new_page(client, people["sylvie"], page_form())
    page = ContributionPage.objects.get(slug="notre-contribution")

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), page_form(attachments=[secret])
    )

    assert response.status_code == 200
    assert "vous n&#x27;avez pas accès à ce fichier" in response.content.decode()
    latest = page.get_latest_revision_as_object()
    assert [attachment.document for attachment in latest.attachments.all()] == []


def test_a_file_one_may_view_may_be_attached_in_the_admin(client, people, open_document):
    response = post_new_page(client, people["sylvie"], page_form(attachments=[open_document]))

    assert response.status_code == 302
    page = ContributionPage.objects.get(slug="notre-contribution")
    assert page.attachments.get().document == open_document


def test_coordination_may_attach_any_file(client, people, secret):
    response = post_new_page(client, people["coord"], page_form(attachments=[secret]))

    assert response.status_code == 302


def test_a_file_already_on_a_page_does_not_stop_its_next_save(people, secret):
    from cms.file_references import references_in_object, refused_files, saved_references

    # Someone entitled put the file there: another editor may still save the page.
    page = contribution("formation")
    references = list(references_in_object(page.get_latest_revision_as_object()))

    assert refused_files(people["sylvie"], references, saved_references(page)) == []
    assert refused_files(people["sylvie"], references) == [secret]


# -- the review exemption --------------------------------------------------------------


def test_reviewing_ones_own_submission_does_not_open_its_documents(client, people, secret):
    submit_own_draft(people["sylvie"], document=secret)

    assert not can_view_file(people["sylvie"], secret)
    client.force_login(people["sylvie"])
    assert client.get(secret.url).status_code == 403


def test_reviewing_ones_own_submission_does_not_open_its_images(client, people):
    image = add_image(contribution("formation"))
    submit_own_draft(people["sylvie"], image=image)

    assert not can_view_file(people["sylvie"], image)
    client.force_login(people["sylvie"])
    assert client.get(f"/media/{image.file.name}").status_code == 403
    rendition = image.get_rendition("width-400")
    assert client.get(rendition.url).status_code == 403


def test_a_reviewer_may_open_a_file_the_submitter_could_view(people):
    # auteur is in the PA college: its documents are hers to attach, and to have reviewed.
    document = attach_document(contribution("pa"), "Document PA")
    submit_own_draft(people["auteur"], document=document)

    assert can_view_file(people["sylvie"], document)


def test_a_reviewer_may_not_open_a_file_the_submitter_could_not_view(people, secret):
    submit_own_draft(people["auteur"], document=secret)

    assert not can_view_file(people["sylvie"], secret)


def test_a_reviewer_may_open_a_file_uploaded_with_the_submission(people):
    upload = Document.objects.create(title="Envoi", file=ContentFile(b"%PDF-1.4", name="e.pdf"))
    upload.uploaded_by_user = people["auteur"]
    upload.save()
    submit_own_draft(people["auteur"], document=upload)

    assert can_view_file(people["sylvie"], upload)
    assert not can_view_file(people["formation"], upload)


def test_a_right_over_one_collection_does_not_open_the_files_of_another(people, secret):
    group = Group.objects.create(name="Dépôt des propositions")
    GroupCollectionPermission.objects.create(
        group=group,
        collection=proposals.proposals_collection(),
        permission=Permission.objects.get(codename="choose_document"),
    )
    people["sylvie"].groups.add(group)

    assert secret.collection == Collection.get_first_root_node()
    assert not can_view_file(people["sylvie"], secret)


# -- site proposals --------------------------------------------------------------------


def test_a_site_proposal_may_not_carry_a_file_its_author_may_not_view(people, secret, monkeypatch):
    blocks = proposals.body_blocks

    def with_foreign_document(text, preconisations):
        return [*blocks(text, preconisations), ("document", {"document": secret, "title": ""})]

    monkeypatch.setattr(proposals, "body_blocks", with_foreign_document)
    member = Member.objects.get(user=people["auteur"])
    content = ProposalContent(
        title="Proposition",
        summary="Résumé",
        text="Texte.",
        visibility=Visibility.members(),
        colleges=[College.objects.get(slug="collectivites-territoriales")],
    )

    with pytest.raises(ValidationError, match="vous n'avez pas accès à ce fichier"):
        create_proposal(DossierPage.objects.get(slug="espace"), member, content)
    assert not ContributionPage.objects.filter(title="Proposition").exists()
