"""The Wagtail site of a request, and its home page, kept until the next change of content.

Wagtail looks up the site of every request (``Site.find_for_request``: one query), then
loads the own row of the site's home page to start routing there (a second query). Both
change only with the content, and every saved site or page starts a new generation of
the page cache (``cms.cache``): they are kept in that cache, per host name and port,
until then. ``Site.find_for_request`` reads what this middleware puts on the request
of a page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from wagtail.models import Site
from wagtail.views import serve as wagtail_serve

from cms.cache import kept_until_next_change

# Where Site.find_for_request keeps the site of a request, and looks first.
WAGTAIL_SITE_ATTR = "_wagtail_site"


def _found_with_home(request: HttpRequest) -> Site | None:
    site = Site._find_for_request(request)
    if site is not None:
        site.root_page.specific  # noqa: B018  (loaded now, kept with the site)
    return site


def site_for(request: HttpRequest) -> Site | None:
    """Wagtail's site for this request, from the cache when the content has not changed."""
    # What Wagtail matches sites on: the host name and the port.
    address = f"{request.get_host()}\x1f{request.get_port()}"
    key = "site:" + hashlib.sha256(address.encode()).hexdigest()[:32]
    return kept_until_next_change(key, lambda: _found_with_home(request))


class SiteLookupMiddleware:
    """Puts the kept site on the requests that Wagtail serves as pages, and no other.

    Other views look their site up as Wagtail does, when they need it: the health check
    must answer without the database, or the cache.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: object, *_args: object) -> None:
        if view_func is wagtail_serve and not hasattr(request, WAGTAIL_SITE_ATTR):
            setattr(request, WAGTAIL_SITE_ATTR, site_for(request))
