"""Exports: the règlement and a dossier's synthesis as PDF, the préconisations as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from pypdf import PdfReader

from cms.exports.pdf import OfflineFetcher, html_to_pdf
from cms.models import DossierPage, ReglementPage
from shared.spreadsheet import safe_cell
from tests.conftest import COLLEGES, PEOPLE, loaded_once, users_of
from tests.pages import articles, reglement, reglement_version

OBJET = ("objet", "Objet du texte", "Le règlement organise.")
TREE = {
    "pages": [
        {"type": "convention", "slug": "c", "title": "Convention", "children": [
            reglement(
                reglement_version("2.0", "2024-01-10", articles(
                    OBJET, ("accueil", "Accueil numérique", "On adhère en ligne.")
                ), approved_by=["personnes-accompagnees"]),
                reglement_version("1.0", "2020-01-10", articles(
                    OBJET, ("courrier", "Adhésion par courrier", "On adhère par écrit.")
                )),
            ),
            {"type": "dossier_index", "slug": "d", "title": "Dossiers", "children": [
                {"type": "dossier", "slug": "numerique", "title": "Dossier numérique",
                 "theme": "Fracture numérique", "intro": "Ce dossier rassemble les ateliers.",
                 "children": [
                     {"type": "contribution", "slug": "pub", "title": "Atelier ouvert à tous",
                      "date": "2021-01-01", "colleges": ["acteurs-formation"],
                      "summary": "Un atelier sur les démarches en ligne.",
                      "preconisations": [
                          {"title": "Ouvrir des points d'accueil",
                           "description": "Près de chez soi."},
                          {"title": "=SOMME(A1:A9)", "description": "Une formule piégée."},
                      ]},
                     {"type": "contribution", "slug": "pa", "title": "Paroles entre pairs",
                      "date": "2021-01-03", "visibility": {"colleges": ["personnes-accompagnees"]},
                      "preconisations": [
                          {"title": "Garder un guichet humain", "description": "Réservé."},
                      ]},
                 ]},
                {"type": "dossier", "slug": "ferme", "title": "Dossier formation",
                 "theme": "Jeunesse", "visibility": {"colleges": ["acteurs-formation"]}},
            ]},
        ]},
    ]
}  # fmt: skip


exports_site = loaded_once("exports_site", {"colleges": COLLEGES}, PEOPLE, TREE)


site = users_of("exports_site", "site")


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def dossier(slug: str = "numerique") -> DossierPage:
    return DossierPage.objects.get(slug=slug)


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


# ---------------------------------------------------------------------------
# Règlement


def test_reglement_pdf_holds_the_text_in_force(client, site):
    response = client.get(ReglementPage.objects.get().url + "pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="reglement-c-v2.0.pdf"'
    text = pdf_text(response.content)
    assert "Article 2 — Accueil numérique" in text
    assert "Version 2.0" in text


def test_version_pdf_holds_that_versions_text(client, site):
    page = ReglementPage.objects.get()
    version = page.versions.get()
    response = client.get(f"{page.url}versions/{version.pk}/pdf/")
    assert response["Content-Disposition"] == 'attachment; filename="reglement-c-v1.0.pdf"'
    text = pdf_text(response.content)
    assert "Adhésion par courrier" in text
    assert "Accueil numérique" not in text
    assert "plus en vigueur" in text


def pdf_catalog(content: bytes):
    reader = PdfReader(io.BytesIO(content))
    return reader.trailer["/Root"], reader.metadata


@pytest.mark.parametrize("route", ["pdf/", "synthese/pdf/"], ids=["reglement", "synthesis"])
def test_pdf_is_tagged_for_screen_readers(client, site, route):
    page = ReglementPage.objects.get() if route == "pdf/" else dossier()
    catalog, metadata = pdf_catalog(client.get(page.url + route).content)
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "fr"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    assert metadata.title


def test_unknown_version_pdf_is_a_404(client, site):
    assert client.get(ReglementPage.objects.get().url + "versions/999999/pdf/").status_code == 404


# ---------------------------------------------------------------------------
# Dossier synthesis


def test_synthesis_pdf_lists_what_the_reader_may_see(client, site):
    response = client.get(dossier().url + "synthese/pdf/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="synthese-numerique.pdf"'
    text = pdf_text(response.content)
    assert "Ce dossier rassemble les ateliers." in text
    assert "Atelier ouvert à tous" in text
    assert "Ouvrir des points d'accueil" in text


def test_synthesis_pdf_leaves_out_a_contribution_the_reader_may_not_see(client, site):
    client.force_login(site["formation"])
    text = pdf_text(client.get(dossier().url + "synthese/pdf/").content)
    assert "Paroles entre pairs" not in text
    assert "Garder un guichet humain" not in text


def test_synthesis_pdf_includes_a_restricted_contribution_for_its_college(client, site):
    client.force_login(site["pa"])
    text = pdf_text(client.get(dossier().url + "synthese/pdf/").content)
    assert "Paroles entre pairs" in text
    assert "Garder un guichet humain" in text


@pytest.mark.parametrize("route", ["synthese/pdf/", "preconisations/csv/"])
def test_exports_of_a_restricted_dossier_are_refused_to_other_colleges(client, site, route):
    client.force_login(site["pa"])
    assert client.get(dossier("ferme").url + route).status_code == 403


def test_dossier_page_links_to_its_exports(client, site):
    html = client.get(dossier().url).content.decode()
    assert "synthese/pdf/" in html and "preconisations/csv/" in html


# ---------------------------------------------------------------------------
# Préconisations CSV


def test_preconisations_csv_is_utf8_with_bom_and_semicolons(client, site):
    response = client.get(dossier().url + "preconisations/csv/")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="preconisations-numerique.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = csv_rows(response.content)
    assert rows[0] == [
        "Préconisation", "Détail", "Contribution", "Type", "Date", "Collèges", "Adresse",
    ]  # fmt: skip
    assert rows[1][:6] == [
        "Ouvrir des points d'accueil",
        "Près de chez soi.",
        "Atelier ouvert à tous",
        "Synthèse d'atelier",
        "2021-01-01",
        "Acteurs de la formation",
    ]
    assert rows[1][6].startswith("http") and rows[1][6].endswith("/pub/")


def test_preconisations_csv_leaves_out_contributions_the_reader_may_not_see(client, site):
    client.force_login(site["formation"])
    content = client.get(dossier().url + "preconisations/csv/").content.decode("utf-8-sig")
    assert "Garder un guichet humain" not in content
    assert "Paroles entre pairs" not in content


def test_preconisations_csv_includes_them_for_the_contributions_college(client, site):
    client.force_login(site["pa"])
    rows = csv_rows(client.get(dossier().url + "preconisations/csv/").content)
    assert "Garder un guichet humain" in [row[0] for row in rows]


def test_preconisations_csv_never_hands_a_formula_to_a_spreadsheet(client, site):
    rows = csv_rows(client.get(dossier().url + "preconisations/csv/").content)
    assert "'=SOMME(A1:A9)" in [row[0] for row in rows]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("Texte ordinaire", "Texte ordinaire"),
        (None, ""),
    ],
)
def test_csv_cells_are_made_safe(value, expected):
    assert safe_cell(value) == expected


# ---------------------------------------------------------------------------
# PDF rendering never reaches the network


def test_pdf_fetcher_refuses_every_url_but_data():
    fetcher = OfflineFetcher()
    for url in ("http://127.0.0.1:9/x.png", "file:///etc/passwd", "https://example.org/a.css"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_pdf_with_an_external_image_renders_without_it():
    html = '<p>Avec image</p><img src="http://127.0.0.1:9/photo.png" alt="">'
    assert "Avec image" in pdf_text(html_to_pdf(html))
