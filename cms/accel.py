"""Files sent by nginx after Django's permission check (``X-Accel-Redirect``).

Django decides who may read a document or an image (cms/media.py, the
``before_serve_document`` hook); a Python worker should not then spend its time copying
the bytes. With ``MEDIA_ACCEL_REDIRECT`` set (an ``internal`` nginx location aliased to
MEDIA_ROOT, deploy/nginx/intranet.conf), the answer is an empty response whose
``X-Accel-Redirect`` header names the file, and nginx sends it. Readers cannot ask for
that location themselves: nginx only follows it from an upstream's header.

This module is also Wagtail's ``SENDFILE_BACKEND`` for documents (its ``sendfile``).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse

ACCEL_HEADER = "X-Accel-Redirect"


class AcceleratedResponse(HttpResponse):
    """An empty body for nginx to replace: its length stays that of the empty body.

    Wagtail's sendfile sets ``Content-Length`` to the file's size after the backend
    returns; passed on, it would announce bytes that never come from the upstream.
    """

    def __setitem__(self, header: str, value) -> None:
        if header.lower() == "content-length":
            return
        super().__setitem__(header, value)


def accel_enabled() -> bool:
    return bool(getattr(settings, "MEDIA_ACCEL_REDIRECT", ""))


def accelerated(relative_path: str, content_type: str | None = None) -> AcceleratedResponse:
    """The response that has nginx send MEDIA_ROOT/relative_path."""
    if relative_path.startswith("/") or ".." in Path(relative_path).parts:
        raise Http404
    location = settings.MEDIA_ACCEL_REDIRECT.rstrip("/")
    response = AcceleratedResponse(content_type=content_type or "application/octet-stream")
    # Percent-encoded: nginx decodes the header's URI before it looks the file up.
    response[ACCEL_HEADER] = f"{location}/{quote(relative_path)}"
    return response


def sendfile(request: HttpRequest, filename: str, mimetype: str | None = None, **_kwargs):
    """Wagtail's sendfile backend interface: ``filename`` is a path under MEDIA_ROOT."""
    try:
        relative = Path(filename).resolve().relative_to(Path(settings.MEDIA_ROOT).resolve())
    except ValueError:
        raise Http404 from None
    return accelerated(relative.as_posix(), mimetype)
