"""What every site has: robots.txt, an icon, descriptions, feed discovery, one URL base,
its own error pages, and a `make run` that shows them."""

from __future__ import annotations

import csv
import io
import os
import re
import struct
import subprocess
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.views import serve as serve_static
from django.core import mail
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import path
from django.views.defaults import server_error
from pypdf import PdfReader
from wagtail.models import Page, Site

from cms.management.commands.serve_demo import address_lines
from cms.models import DossierPage, EventPage

BASE = "https://intranet.exemple.org"
ATOM = "{http://www.w3.org/2005/Atom}"
ROOT = Path(__file__).resolve().parent.parent


def boom(request):
    raise RuntimeError("une panne")


# This module is also the URLconf of the 500 test (pytest.mark.urls).
urlpatterns = [path("panne/", boom)]


@pytest.fixture
def base(settings):
    settings.WAGTAILADMIN_BASE_URL = BASE
    return BASE


def text_of(response) -> str:
    return response.content.decode()


def login(client, username: str):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def page(slug: str):
    return Page.objects.get(slug=slug).specific


def meta_description(html: str) -> str | None:
    found = re.search(r'<meta name="description" content="([^"]*)">', html)
    return unescape(found.group(1)) if found else None


def feed_links(html: str) -> list[str]:
    return re.findall(r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"', html)


# -- robots.txt -------------------------------------------------------------------------------


def test_robots_txt_is_plain_text(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_robots_txt_names_the_sitemap_by_its_absolute_address(client, db, base):
    assert f"Sitemap: {BASE}/sitemap.xml" in text_of(client.get("/robots.txt")).splitlines()


def test_robots_txt_keeps_crawlers_out_of_the_admin_accounts_and_search(client, db):
    lines = text_of(client.get("/robots.txt")).splitlines()
    for prefix in ("/admin/", "/connexion/", "/mon-espace/", "/mon-profil/", "/recherche/"):
        assert f"Disallow: {prefix}" in lines
    assert "Disallow: /flux/prive/" in lines
    assert "Disallow: /" not in lines  # the public pages stay open to search engines


# -- the site icon ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/connexion/", "/recherche/", "/nulle-part/"])
def test_every_page_links_the_svg_and_png_icons(client, demo, url):
    html = text_of(client.get(url))
    assert '<link rel="icon" href="/static/img/icon.svg" type="image/svg+xml">' in html
    assert '<link rel="icon" href="/static/img/icon.png" type="image/png" sizes="180x180">' in html
    assert '<link rel="apple-touch-icon" href="/static/img/icon.png">' in html


def test_the_svg_icon_is_a_square_svg():
    root = ET.parse(finders.find("img/icon.svg")).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 44 44"


def test_the_png_icon_is_a_180_pixel_square():
    data = Path(finders.find("img/icon.png")).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (180, 180)


def test_favicon_ico_sends_browsers_to_the_png_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/icon.png"


def test_the_icon_files_are_served_with_their_types():
    # As the static files view serves them (WhiteNoise serves the same files once collected).
    for name, content_type in (("icon.svg", "image/svg+xml"), ("icon.png", "image/png")):
        response = serve_static(RequestFactory().get(f"/static/img/{name}"), f"img/{name}", True)
        assert response.status_code == 200
        assert response["Content-Type"] == content_type


# -- <meta name="description"> ----------------------------------------------------------------


def test_a_public_page_is_described_by_its_summary(client, demo):
    contribution = page("secret-partage-atelier-2019")
    assert not contribution.search_description
    description = meta_description(text_of(client.get(contribution.url)))
    assert description == contribution.meta_description()
    assert description.startswith(contribution.summary[:60])
    assert len(description) <= 160


def test_the_editors_search_description_comes_before_the_summary(client, demo):
    contribution = page("secret-partage-atelier-2019")
    contribution.search_description = "Ce que l'atelier a retenu du secret partagé."
    contribution.save_revision().publish()
    html = text_of(client.get(contribution.url))
    assert meta_description(html) == "Ce que l'atelier a retenu du secret partagé."


def test_a_page_without_a_summary_is_described_by_its_introduction(client, demo):
    dossier = page("ethique-deontologies")
    description = meta_description(text_of(client.get(dossier.url)))
    assert description and "<" not in description
    assert description == dossier.meta_description()


def test_pages_that_are_not_wagtail_pages_describe_the_site(client, demo):
    description = meta_description(text_of(client.get("/connexion/")))
    assert description.startswith("Intranet de la convention des acteurs du travail social")


def test_a_refused_reader_gets_no_description_of_the_restricted_page(client, demo):
    restricted = page("entre-nous-numerique")  # the accompanied college only
    response = login(client, "membre").get(restricted.url)
    assert response.status_code == 403
    html = text_of(response)
    assert meta_description(html) is None
    assert restricted.summary[:40] not in html


def test_a_members_page_is_not_described_even_to_a_member(client, demo):
    members_only = page("position-charte-ethique-commune")
    response = login(client, "membre").get(members_only.url)
    assert response.status_code == 200
    assert meta_description(text_of(response)) is None


def test_an_anonymous_reader_of_a_restricted_page_gets_only_a_redirect(client, demo):
    response = client.get(page("entre-nous-numerique").url)
    assert response.status_code == 302
    assert response.content == b""


# -- feeds: discovery and authors -------------------------------------------------------------


def test_the_home_page_announces_the_latest_contributions_feed(client, demo):
    assert feed_links(text_of(client.get("/"))) == ["/flux/contributions/"]


def test_a_public_dossier_announces_its_feed(client, demo):
    dossier = page("ethique-deontologies")
    assert feed_links(text_of(client.get(dossier.url))) == [f"/flux/dossiers/{dossier.pk}/"]


def test_a_dossier_for_members_announces_no_feed(client, demo):
    dossier = page("desinstitutionnalisation")
    response = login(client, "membre").get(dossier.url)
    assert response.status_code == 200
    assert feed_links(text_of(response)) == []


def test_a_page_without_a_feed_announces_none(client, demo):
    assert feed_links(text_of(client.get(page("secret-partage-atelier-2019").url))) == []


def feed_entries(client, url: str) -> dict[str, list[str]]:
    """Each entry's title and its authors' names."""
    root = ET.fromstring(client.get(url).content)
    return {
        entry.findtext(f"{ATOM}title"): [
            author.findtext(f"{ATOM}name") for author in entry.findall(f"{ATOM}author")
        ]
        for entry in root.findall(f"{ATOM}entry")
    }


def test_every_feed_entry_has_an_author(client, demo):
    entries = feed_entries(client, "/flux/contributions/")
    assert entries and all(names and names[0] for names in entries.values())


def test_feed_authors_are_named_as_the_byline_names_them(client, demo):
    dossier = page("ethique-deontologies")
    testimony = page("temoignage-premier-accueil")
    authors = feed_entries(client, f"/flux/dossiers/{dossier.pk}/")[testimony.title][0]
    byline = text_of(client.get(testimony.url))
    # Nadia Haddad (the accompanied college) is « Nadia H. » on the page and in the feed.
    assert "Nadia H." in authors and "Nadia H." in byline
    assert "Haddad" not in authors and "Haddad" not in byline


# -- one base for every absolute address ------------------------------------------------------


def site_address_output() -> str:
    out = io.StringIO()
    call_command("site_address", stdout=out)
    return out.getvalue()


def test_site_address_gives_the_wagtail_site_the_address_of_base_url(db, base):
    assert site_address_output().strip().endswith(f"{BASE}/")
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_url) == ("intranet.exemple.org", 443, BASE)


def test_site_address_follows_host_and_port_of_the_demo(db, settings):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8123"
    site_address_output()
    assert Site.objects.get(is_default_site=True).root_url == "http://127.0.0.1:8123"


def test_wagtails_own_page_addresses_agree_with_base_url_once_the_site_has_it(db, base):
    site_address_output()
    home = Site.objects.get(is_default_site=True).root_page
    assert Page.objects.get(pk=home.pk).full_url == f"{BASE}/"  # Wagtail's Page, not ours


def sitemap(client) -> str:
    return text_of(client.get("/sitemap.xml"))


def calendar(client) -> str:
    event = EventPage.objects.live().public().order_by("path").first()
    content = text_of(client.get(f"/inscriptions/rencontres/{event.pk}/calendrier.ics"))
    return content.replace("\r\n ", "")  # lines of a calendar are folded at 75 octets


def preconisations_csv(client) -> str:
    dossier = DossierPage.objects.get(slug="ethique-deontologies")
    content = client.get(dossier.url + "preconisations/csv/").content.decode("utf-8-sig")
    return "\n".join(row[-1] for row in csv.reader(io.StringIO(content), delimiter=";"))


def synthesis_pdf(client) -> str:
    dossier = DossierPage.objects.get(slug="ethique-deontologies")
    reader = PdfReader(io.BytesIO(client.get(dossier.url + "synthese/pdf/").content))
    return "".join("".join(sheet.extract_text().split()) for sheet in reader.pages)


def feed(client) -> str:
    return text_of(client.get("/flux/contributions/"))


def password_email(client) -> str:
    member = get_user_model().objects.get(username="membre")
    client.post("/mot-de-passe/oublie/", {"email": member.email})
    return mail.outbox[-1].body


def private_feed_address(client) -> str:
    client = login(client, "membre")
    return text_of(client.post("/suivi/flux/nouvelle-adresse/", follow=True))


@pytest.mark.parametrize(
    "surface",
    [sitemap, calendar, preconisations_csv, synthesis_pdf, feed, password_email,
     private_feed_address],
    ids=lambda surface: surface.__name__,
)  # fmt: skip
def test_absolute_addresses_start_with_base_url_whatever_the_host_asked(
    demo, base, settings, surface
):
    # The request names another host, and the Site record still says http://localhost/.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "autre-hote.example"]
    content = surface(Client(HTTP_HOST="autre-hote.example"))
    assert f"{BASE}/" in content
    for other in ("autre-hote.example", "testserver", "localhost", "127.0.0.1"):
        assert other not in content


# -- error pages ------------------------------------------------------------------------------


def test_a_missing_page_gets_the_sites_own_404_page(client, demo):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    html = text_of(response)
    assert "<h1>Page introuvable</h1>" in html
    assert 'class="site-header"' in html


@pytest.mark.urls(__name__)
def test_an_error_gets_the_sites_own_500_page(db):
    response = Client(raise_request_exception=False).get("/panne/")
    assert response.status_code == 500
    html = text_of(response)
    assert "<h1>Une erreur est survenue</h1>" in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assert "Traceback" not in html and "une panne" not in html


def test_the_500_page_needs_neither_a_request_context_nor_the_database():
    # No `db` fixture: any query here would fail the test.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Revenir à l’accueil" in response.content.decode()


def test_the_500_page_links_files_that_exist():
    for name in ("css/site.css", "img/icon.svg", "img/icon.png"):
        assert finders.find(name), name


# -- make run and make demo-reset -------------------------------------------------------------


def make(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`make` in the repository, without reinstalling (the venv is taken as up to date)."""
    return subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})},
    )  # fmt: skip


def run_commands(*args: str) -> list[str]:
    """The commands `make run` would run (dry run), one per line."""
    dry = make("-n", "run", *args)
    assert dry.returncode == 0, dry.stderr
    return [line for line in dry.stdout.splitlines() if "manage.py" in line]


def test_make_run_serves_without_debug_so_the_sites_own_error_pages_show():
    serve = run_commands()[-1]
    assert "manage.py serve_demo" in serve
    assert "DEBUG=0" in serve and "DEBUG=1" not in serve


def test_make_run_sets_base_url_and_the_site_from_host_and_port():
    commands = run_commands("HOST=127.0.0.1", "PORT=8123")
    assert all("BASE_URL=http://127.0.0.1:8123" in command for command in commands)
    assert "manage.py site_address" in commands[-2]
    assert commands[-1].endswith("serve_demo --skip-checks 127.0.0.1:8123")


def test_the_demo_server_prints_the_address_last(settings):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8123"
    lines = [line for line in address_lines() if line.strip()]
    assert lines[-1] == "  Intranet de la convention\u00a0: http://127.0.0.1:8123/"
    assert len(lines) <= 3


def test_demo_reset_refuses_to_touch_a_database_named_by_database_url(tmp_path):
    (tmp_path / "db.sqlite3").write_text("une base")
    result = make(
        "demo-reset", f"DATA_DIR={tmp_path}", env={"DATABASE_URL": "postgres://ailleurs/reel"}
    )
    assert result.returncode != 0
    assert "Rien n'a été fait" in result.stderr
    assert (tmp_path / "db.sqlite3").read_text() == "une base"
