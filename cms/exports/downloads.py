"""HTTP responses for files to download: a clear ASCII file name, never kept by a shared cache."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.text import slugify


def _slug(part: str) -> str:
    # Keep the dots of a version number: "v2.0", not "v20".
    return ".".join(slug for slug in (slugify(piece) for piece in part.split(".")) if slug)


def filename(*parts: str, extension: str) -> str:
    """``reglement-paca-v2.0.pdf``: ASCII parts joined by dashes."""
    stem = "-".join(slug for slug in (_slug(part) for part in parts) if slug) or "export"
    return f"{stem}.{extension}"


def download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # The stubs allow None, which Django returns only for an inline file without a name.
    response["Content-Disposition"] = content_disposition_header(True, name)  # type: ignore[assignment]
    # Chosen for this reader (their visibility): no shared cache may keep it.
    patch_cache_control(response, private=True, no_store=True)
    return response
