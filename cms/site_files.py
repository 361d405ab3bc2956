"""The files every site has at a fixed address: /robots.txt and /favicon.ico."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from shared.links import absolute_url

# Pages of a person's own account, the admin, searches and private feeds: a crawler has
# nothing to index there (robots.txt is no protection: access rules are in cms.access).
NOT_FOR_CRAWLERS = (
    "/admin/",
    "/connexion/",
    "/deconnexion/",
    "/mot-de-passe/",
    "/mon-espace/",
    "/mon-profil/",
    "/mes-donnees/",
    "/propositions/",
    "/inscriptions/",
    "/suivi/",
    "/reglement/propositions/",
    "/flux/prive/",
    "/recherche/",
    "/api/",
    "/sante/",
)


def robots_lines() -> list[str]:
    return [
        "User-agent: *",
        *(f"Disallow: {path}" for path in NOT_FOR_CRAWLERS),
        "",
        # Absolute, from the one base the sitemap itself uses (shared.links).
        f"Sitemap: {absolute_url(reverse('sitemap'))}",
    ]


@require_safe
@cache_control(public=True, max_age=86400)
def robots_txt(request: HttpRequest) -> HttpResponse:
    return HttpResponse("\n".join(robots_lines()) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask /favicon.ico before reading the page's icon links: send them the PNG."""
    return HttpResponsePermanentRedirect(static("img/icon.png"))
