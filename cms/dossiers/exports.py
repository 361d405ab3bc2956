"""A dossier's synthesis (PDF) and its préconisations (CSV), as the reader may see them.

Both start from ``DossierPage.contributions_for(user)`` (the contributions this reader
may see, through ``cms.access``) and ``DossierPage.preconisations_of``, the same rows as
the page's "récapitulatif des préconisations".

CSV format: UTF-8 with a byte order mark and ``;`` as separator, so that a French Excel
opens it with accents and columns right; lines end with CRLF. A cell that starts with
``=``, ``+``, ``-`` or ``@`` gets a leading apostrophe so a spreadsheet never runs it as
a formula.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format

from cms.exports.downloads import download, filename
from shared.spreadsheet import csv_bytes

CSV_HEADER = ["Préconisation", "Détail", "Contribution", "Type", "Date", "Collèges", "Adresse"]


def _contributions(dossier, user) -> list:
    return list(dossier.contributions_for(user))


def synthesis_pdf(request: HttpRequest, dossier) -> HttpResponse:
    from cms.exports.pdf import render_pdf  # WeasyPrint takes a second to import

    contributions = _contributions(dossier, request.user)
    pdf = render_pdf(
        "exports/dossier_synthese.html",
        {
            "page": dossier,
            "contributions": contributions,
            "preconisations": dossier.preconisations_of(contributions),
            "page_url": dossier.get_full_url(request),
            "generated_on": timezone.localdate(),
        },
        request,
    )
    return download(pdf, "application/pdf", filename("synthese", dossier.slug, extension="pdf"))


def _one_line(value: str) -> str:
    # A préconisation's description may span lines: one row per préconisation reads better.
    return " ".join(str(value or "").split())


def preconisations_rows(request: HttpRequest, dossier) -> list[list[str]]:
    contributions = _contributions(dossier, request.user)
    rows = []
    for row in dossier.preconisations_of(contributions):
        contribution = row.contribution
        rows.append(
            [
                _one_line(row.title),
                _one_line(row.description),
                contribution.title,
                contribution.get_contribution_type_display(),
                date_format(contribution.date, "Y-m-d") if contribution.date else "",
                ", ".join(college.name for college in contribution.colleges.all()),
                contribution.get_full_url(request),
            ]
        )
    return rows


def preconisations_csv(request: HttpRequest, dossier) -> HttpResponse:
    return download(
        csv_bytes(CSV_HEADER, preconisations_rows(request, dossier)),
        "text/csv; charset=utf-8",
        filename("preconisations", dossier.slug, extension="csv"),
    )
