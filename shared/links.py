"""Links that leave the site: in e-mails, feeds and files read elsewhere."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str = "") -> str:
    """``path`` prefixed with the site's base URL (``WAGTAILADMIN_BASE_URL``).

    E-mails are read outside the site, and their links never start with a request's
    Host header, which a visitor chooses. A URL that is already absolute is kept.
    """
    if path.startswith(("http://", "https://")):
        return path
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
