"""Every surface besides page serving applies the same visibility rule."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import GroupPagePermission, Page

from cms.models import ContributionAttachment, ContributionPage, DossierPage
from cms.visibility import Visibility, set_visibility
from members.models import College
from tests.conftest import COLLEGES, PEOPLE, loaded_once
from tests.own_media import users_with_own_media
from tests.pages import FORMATION_DOSSIER, PA_ONLY, PUBLIC, dossier_tree, open_dossier, shown

TREE = dossier_tree(open_dossier(PUBLIC, PA_ONLY), FORMATION_DOSSIER)


surfaces_site = loaded_once("surfaces_site", {"colleges": COLLEGES}, PEOPLE, TREE)


@pytest.fixture
def site(surfaces_site, db, settings, tmp_path):
    return users_with_own_media(settings, tmp_path)


def contribution(slug: str) -> ContributionPage:
    return ContributionPage.objects.get(slug=slug)


def attach_document(page: ContributionPage, title: str = "Compte rendu") -> Document:
    document = Document.objects.create(
        title=title, file=ContentFile(b"%PDF-1.4 test", name="cr.pdf")
    )
    page.attachments.add(ContributionAttachment(document=document))
    page.save_revision().publish()
    return document


def add_image(page: ContributionPage) -> Image:
    image = Image.objects.create(title="Photo", file=get_test_image_file())
    page.body.append(("image", {"image": image, "alt": "Une salle", "caption": ""}))
    page.save_revision().publish()
    return image


def login(client, people, username):
    client.force_login(people[username])
    return client


def test_document_of_a_college_contribution_sends_anonymous_to_login(client, site):
    document = attach_document(contribution("pa"))
    response = client.get(document.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_document_of_a_college_contribution_is_refused_to_another_college(client, site):
    document = attach_document(contribution("pa"))
    assert login(client, site, "formation").get(document.url).status_code == 403


def test_document_of_a_college_contribution_is_served_to_that_college(client, site):
    document = attach_document(contribution("pa"))
    response = login(client, site, "pa").get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_document_of_a_public_contribution_is_public(client, site):
    document = attach_document(contribution("pub"))
    assert client.get(document.url).status_code == 200


def test_document_used_by_no_page_stays_with_editors(client, site):
    document = Document.objects.create(title="Orphelin", file=ContentFile(b"x", name="o.pdf"))
    assert login(client, site, "pa").get(document.url).status_code == 403
    assert login(client, site, "coord").get(document.url).status_code == 200


def test_document_of_an_unpublished_contribution_is_not_served(client, site):
    page = contribution("pub")
    document = attach_document(page)
    page.unpublish()
    assert login(client, site, "pa").get(document.url).status_code == 403


def test_image_rendition_of_a_college_contribution_is_refused_to_another_college(client, site):
    image = add_image(contribution("pa"))
    rendition = image.get_rendition("width-400")
    assert login(client, site, "formation").get(rendition.url).status_code == 403
    assert client.logout() is None
    assert client.get(rendition.url).status_code == 302


def test_image_rendition_of_a_college_contribution_is_served_to_that_college(client, site):
    image = add_image(contribution("pa"))
    rendition = image.get_rendition("width-400")
    response = login(client, site, "pa").get(rendition.url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_original_image_follows_the_same_rule(client, site):
    image = add_image(contribution("pa"))
    url = f"/media/{image.file.name}"
    assert login(client, site, "formation").get(url).status_code == 403
    assert login(client, site, "deux").get(url).status_code == 200


def test_media_files_of_documents_are_never_served_directly(client, site):
    document = attach_document(contribution("pub"))
    assert client.get(f"/media/{document.file.name}").status_code == 404


def test_sitemap_lists_public_pages_only(client, site):
    content = client.get("/sitemap.xml").content.decode()
    assert shown(content, "/c/d/ouvert/pub/", "/c/d/ouvert/pa/", "/c/d/ferme/") == {
        "/c/d/ouvert/pub/"
    }


def test_feed_lists_only_what_the_reader_may_see(client, site):
    anonymous = client.get("/flux/contributions/").content.decode()
    assert "Contribution publique" in anonymous
    assert "Contribution réservée PA" not in anonymous
    member = login(client, site, "pa").get("/flux/contributions/").content.decode()
    assert "Contribution réservée PA" in member


def test_feed_of_a_hidden_dossier_is_not_found(client, site):
    dossier = DossierPage.objects.get(slug="ferme")
    assert login(client, site, "pa").get(f"/flux/dossiers/{dossier.pk}/").status_code == 404
    # A dossier's feed is public and shareable: its own college reads it in a private feed.
    assert login(client, site, "formation").get(f"/flux/dossiers/{dossier.pk}/").status_code == 404


def test_json_endpoint_lists_only_what_the_reader_may_see(client, site):
    dossier = DossierPage.objects.get(slug="ouvert")
    data = client.get("/api/contributions/", {"dossier": dossier.pk}).json()
    assert [item["title"] for item in data["results"]] == ["Contribution publique"]
    data = login(client, site, "pa").get("/api/contributions/", {"dossier": dossier.pk}).json()
    assert data["count"] == 2


def test_json_endpoint_hides_an_invisible_dossier(client, site):
    dossier = DossierPage.objects.get(slug="ferme")
    response = login(client, site, "pa").get("/api/contributions/", {"dossier": dossier.pk})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "query", [{"dossier": "abc"}, {"page": "0"}, {"page": "-1"}, {"page": "99"}]
)
def test_json_endpoint_answers_bad_parameters_with_400(client, site, query):
    response = client.get("/api/contributions/", query)
    assert response.status_code == 400
    assert response.json()["error"]


def test_wagtail_public_api_is_not_exposed(client, site):
    assert client.get("/api/v2/pages/").status_code == 404


def test_revision_preview_is_closed_to_members_without_edit_rights(client, site):
    page = contribution("pa")
    login(client, site, "formation")
    for url in (
        f"/admin/pages/{page.pk}/view_draft/",
        f"/admin/pages/{page.pk}/revisions/{page.latest_revision_id}/view/",
    ):
        response = client.get(url)
        assert response.status_code in {302, 403}
        assert "Contribution réservée PA" not in response.content.decode()


def test_restricting_a_page_to_a_college_gives_its_referents_edit_rights(site):
    page = Page.objects.get(slug="ouvert")
    set_visibility(page, Visibility.colleges(["personnes-accompagnees"]))
    referents = College.objects.get(slug="personnes-accompagnees").referents_group
    codenames = set(
        GroupPagePermission.objects.filter(group=referents, page=page).values_list(
            "permission__codename", flat=True
        )
    )
    assert codenames == {"add_page", "change_page"}


def test_making_a_page_public_removes_the_referents_rights(site):
    page = Page.objects.get(slug="ferme")
    set_visibility(page, Visibility.public())
    assert not GroupPagePermission.objects.filter(
        page=page, group__college_of_referents__isnull=False
    ).exists()
