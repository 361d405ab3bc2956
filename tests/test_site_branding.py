"""The site's name and logo come from the admin's settings (cms/branding.py)."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Site

from cms.branding import SiteBranding
from cms.cache import CACHE_ALIAS
from tests.sql_reads import get_with_sql, reads


@pytest.fixture
def branding(db) -> SiteBranding:
    return SiteBranding.for_site(Site.objects.get(is_default_site=True))


@pytest.fixture
def logo(db, settings, tmp_path) -> Image:
    settings.MEDIA_ROOT = tmp_path
    buffer = BytesIO()
    PILImage.new("RGB", (300, 300), "#a63d17").save(buffer, "PNG")
    return Image.objects.create(title="Logo", file=ImageFile(buffer, name="logo.png"))


def brand_link(html: str) -> str:
    return re.search(r'<a class="site-brand"[^>]*>(.*?)</a>', html, re.S).group(1)


def test_without_settings_the_header_shows_the_sites_mark_and_default_name(client, branding):
    html = client.get("/").content.decode()
    assert 'class="site-brand__mark"' in brand_link(html)
    assert settings.WAGTAIL_SITE_NAME in brand_link(html)
    assert re.search(rf"<title>[^<]*{re.escape(settings.WAGTAIL_SITE_NAME)}</title>", html)


def test_name_and_logo_set_in_the_admin_show_in_the_header_and_the_title(client, branding, logo):
    branding.site_name = "Réseau du Var"
    branding.logo = logo
    branding.logo_alt = "Logo du réseau"
    branding.save()
    html = client.get("/").content.decode()
    brand = brand_link(html)
    assert "Réseau du Var" in brand
    assert 'class="site-brand__logo"' in brand and 'alt="Logo du réseau"' in brand
    assert "site-brand__mark" not in brand
    assert logo.file.url not in brand  # a small rendition, never the upload itself
    assert re.search(r"<title>[^<]*Réseau du Var</title>", html)


def test_a_blank_name_falls_back_to_the_default(branding):
    branding.site_name = "   "
    assert branding.display_name == settings.WAGTAIL_SITE_NAME


def branding_reads(client) -> int:
    _, statements = get_with_sql(client, "/mentions-legales/")
    return reads(statements, 'FROM "cms_sitebranding"')


def test_the_identity_is_read_once_until_the_next_change(client, branding, django_user_model):
    # A logged-in reader: the anonymous page cache would answer without any query.
    client.force_login(django_user_model.objects.create_user("lectrice"))
    caches[CACHE_ALIAS].clear()
    assert branding_reads(client) == 1
    assert branding_reads(client) == 0


def test_a_saved_identity_shows_on_the_next_page_of_a_logged_in_reader(
    client, branding, django_user_model
):
    client.force_login(django_user_model.objects.create_user("lectrice"))
    client.get("/")
    branding.site_name = "Réseau du Var"
    branding.save()
    assert "Réseau du Var" in brand_link(client.get("/").content.decode())
