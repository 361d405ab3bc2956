"""Templates rendered to PDF by WeasyPrint, offline: no resource is ever fetched.

Stylesheets are inline in the export templates and the fonts are the system's DejaVu
(through fontconfig), so the fetcher below only answers ``data:`` URIs; any other URL
(an image in rich text, a link to a stylesheet) is refused and simply left out.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from shared.links import absolute_url


class OfflineFetcher(URLFetcher):
    """A WeasyPrint fetcher that never opens a connection or a file."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise ValueError(f"Ressource externe ignorée dans un export PDF : {url[:100]}")


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """A tagged PDF (PDF/UA-1): a structure tree, the page's language and its title shown,
    so that screen readers read headings, lists and tables as such."""
    pdf = HTML(string=html, base_url=base_url, url_fetcher=OfflineFetcher())
    return pdf.write_pdf(pdf_variant="pdf/ua-1")


def render_pdf(template: str, context: dict, request: HttpRequest | None = None) -> bytes:
    """The template as a PDF; relative links are made absolute so they work from the PDF."""
    html = render_to_string(template, context, request=request)
    # The site's one base (shared.links), not the Host header of the request.
    return html_to_pdf(html, absolute_url("/"))
