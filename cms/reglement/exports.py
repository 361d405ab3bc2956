"""The règlement as a PDF: the text in force or one of its adopted versions."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from cms.exports.downloads import download, filename
from cms.reglement.texts import article_items


def reglement_pdf(request: HttpRequest, page, version=None) -> HttpResponse:
    """``version`` is a ``ReglementVersion``, or None for the text in force (the live page)."""
    from cms.exports.pdf import render_pdf  # WeasyPrint takes a second to import

    if version is None:
        document = {
            "label": page.version_label,
            "adopted_on": page.adopted_on,
            "colleges": [(college, page.adopted_on) for college in page.approved_by.all()],
            "intro": page.intro,
            "articles": [
                (number, article.get("title", ""), article.get("body", ""))
                for number, article in enumerate(article_items(page), start=1)
            ],
            "in_force": True,
        }
    else:
        document = {
            "label": version.label,
            "adopted_on": version.adopted_on,
            "colleges": [
                (approval.college, approval.approved_on)
                for approval in version.approvals.select_related("college")
            ],
            "intro": version.intro,
            "articles": [
                (number, article.get("title", ""), article.get("body", ""))
                for number, article in version.numbered_articles()
            ],
            "in_force": version.label == page.version_label,
        }
    pdf = render_pdf(
        "exports/reglement.html",
        {
            "page": page,
            "document": document,
            "page_url": page.get_full_url(request),
            "generated_on": timezone.localdate(),
        },
        request,
    )
    convention = page.get_parent()
    label = f"v{document['label']}" if document["label"] else ""
    name = filename("reglement", convention.slug, label, extension="pdf")
    return download(pdf, "application/pdf", name)
