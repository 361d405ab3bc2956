"""One dossier's follow-up as an accessible, tagged PDF.

The PDF lists the items of the dossier the reader may see (``visible_items``, the one
access rule), each with its status, progress and timeline; evidence is named only where
the reader may open it. The dossier itself must be visible: otherwise a 404, as for a
missing one. WeasyPrint writes a tagged PDF (structure tree, marked content), in French
(``lang`` of ``templates/exports/base.html``) and titled from the HTML title.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from cms.access import can_view_page
from cms.exports.downloads import download, filename
from cms.followup.access import visible_items
from cms.followup.board import status_counts
from cms.followup.models import TrackedItem
from cms.followup.views import timeline_rows
from cms.models import DossierPage
from shared.links import absolute_url


def dossier_items(user, dossier: DossierPage):
    """The dossier's current (not archived) items this user may see, oldest first."""
    items = TrackedItem.objects.filter(dossier=dossier, archived_at__isnull=True)
    return (
        visible_items(user, items)
        .select_related("contribution")
        .prefetch_related("colleges", "carrier_organisations")
        .order_by("source_date", "pk")
    )


def dossier_pdf(request: HttpRequest, page_id: int) -> HttpResponse:
    dossier = DossierPage.objects.live().filter(pk=page_id).first()
    if dossier is None or not can_view_page(request.user, dossier):
        raise Http404("Dossier introuvable")
    from cms.exports.pdf import html_to_pdf  # WeasyPrint takes a second to import

    items = dossier_items(request.user, dossier)
    html = render_to_string(
        "followup/dossier_followup_pdf.html",
        {
            "page": dossier,
            "rows": [(item, timeline_rows(request.user, item)) for item in items],
            "status_counts": status_counts(items),
            "page_url": dossier.get_full_url(request),
            "generated_on": timezone.localdate(),
        },
        request=request,
    )
    pdf = html_to_pdf(html, absolute_url("/"))
    return download(pdf, "application/pdf", filename("suivi", dossier.slug, extension="pdf"))
