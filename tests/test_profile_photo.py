"""The profile photo (issue 12, item 11): checked, cleaned, square, and seen only as chosen."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from members.models import Member
from members.photos import RENDITION
from tests.test_directory import directory_site, member, profile_url  # noqa: F401

PHOTO_URL = "/mon-profil/photo/"


@pytest.fixture
def site(directory_site, db):  # noqa: F811
    from tests.conftest import users_by_name

    return users_by_name()


def jpeg_with_location(size=(600, 400)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Appareil"  # Make
    exif[0x8825] = {2: (43.0, 7.0, 0.0)}  # GPS info
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def upload(client, user, data: bytes, name="photo.jpg", level="members"):
    client.force_login(user)
    file = SimpleUploadedFile(name, data, content_type="image/jpeg")
    return client.post(PHOTO_URL, {"photo": file, "visibility_photo": level})


def rendition_path(username: str) -> str:
    return Member.objects.get(user__username=username).photo.get_rendition(RENDITION).url


def test_uploaded_photo_is_kept_square_and_without_exif(client, site):
    response = upload(client, site["sujet"], jpeg_with_location())
    assert response.status_code == 302
    photo = Member.objects.get(user__username="sujet").photo
    with photo.file.open() as handle, Image.open(handle) as original:
        assert not original.getexif()
    with photo.get_rendition(RENDITION).file.open() as handle, Image.open(handle) as square:
        assert square.size == (256, 256)
        assert not square.getexif()


def test_a_file_that_is_not_an_image_changes_nothing(client, site):
    response = upload(client, site["sujet"], b"%PDF-1.4 not a photo", name="photo.jpg")
    assert response.status_code == 400
    assert "JPEG, PNG ou WebP" in response.content.decode()
    assert Member.objects.get(user__username="sujet").photo is None


@pytest.mark.parametrize(
    ("reader", "sees"),
    [(None, False), ("autre", False), ("collegue", True), ("coord", True), ("sujet", True)],
)
def test_a_college_photo_file_opens_only_to_its_readers(client, site, reader, sees):
    upload(client, site["sujet"], jpeg_with_location(), level="college")
    path = rendition_path("sujet")
    client.logout()
    if reader:
        client.force_login(site[reader])
    assert (client.get(path).status_code == 200) == sees
    html = client.get(profile_url("sujet")).content.decode()
    assert (path in html) == sees
