"""Files handed to nginx by X-Accel-Redirect once Django has checked the reader (cms/accel.py).

The whole path through nginx is in tests/test_deploy_stack.py; these tests pin Django's
side of it: what the answer says, and that nothing changes for refused readers.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.http import Http404
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.utils.sendfile import _get_sendfile

from cms.accel import ACCEL_HEADER, accelerated
from cms.models import ContributionAttachment, ContributionPage
from tests.conftest import load
from tests.pages import PA_COLLEGE, contribution, dossier, dossier_tree

TREE = dossier_tree(
    dossier(
        "ouvert",
        "Dossier",
        "Éthique",
        contribution("pa", "Réservée", "2021-01-03", visibility=PA_COLLEGE),
    )
)


@pytest.fixture
def accel(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_ACCEL_REDIRECT = "/_fichiers/"
    settings.SENDFILE_BACKEND = "cms.accel"
    _get_sendfile.clear()  # Wagtail keeps the first backend it loads
    yield
    _get_sendfile.clear()


@pytest.fixture
def page(people, accel) -> ContributionPage:
    load(TREE)
    return ContributionPage.objects.get(slug="pa")


def attach_document(page: ContributionPage) -> Document:
    document = Document.objects.create(
        title="Compte rendu", file=ContentFile(b"%PDF-1.4 test", name="compte rendu.pdf")
    )
    page.attachments.add(ContributionAttachment(document=document))
    page.save_revision().publish()
    return document


def test_a_document_goes_to_nginx_with_its_encoded_path_and_no_bytes(client, people, page):
    document = attach_document(page)
    client.force_login(people["pa"])
    response = client.get(document.url)
    assert response.status_code == 200
    assert response[ACCEL_HEADER] == f"/_fichiers/{document.file.name.replace(' ', '%20')}"
    assert response.content == b""
    # The length of the empty answer, not the file's: nginx must not wait for bytes.
    assert response.get("Content-Length", "0") == "0"
    # Wagtail's headers for the file are kept: nginx passes them on.
    assert 'filename="compte_rendu.pdf"' in response["Content-Disposition"]


def test_a_refused_reader_gets_no_location_of_the_file(client, people, page):
    document = attach_document(page)
    client.force_login(people["formation"])
    response = client.get(document.url)
    assert response.status_code == 403
    assert ACCEL_HEADER not in response


def test_an_image_goes_to_nginx_and_stays_private(client, people, page):
    image = Image.objects.create(title="Photo", file=get_test_image_file())
    page.body.append(("image", {"image": image, "alt": "Une salle", "caption": ""}))
    page.save_revision().publish()
    client.force_login(people["pa"])
    response = client.get(f"/media/{image.file.name}")
    assert response[ACCEL_HEADER] == f"/_fichiers/{image.file.name}"
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["../secret_key", "/etc/passwd", "documents/../../x"])
def test_a_path_out_of_media_root_is_not_found(accel, path):
    with pytest.raises(Http404):
        accelerated(path)
