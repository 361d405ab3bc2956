from collections.abc import Callable

from django import template
from django.http import Http404, HttpRequest
from wagtail.models import BaseViewRestriction, Page, Site

from cms.access import is_public_page, visible_pages
from cms.models.standard import StandardPage
from cms.visibility import audience_names
from members.visibility import shown_name as member_shown_name

register = template.Library()

# Computed once per request: the header and the footer ask for them on every page.
_NAVIGATION_ATTR = "_intranet_navigation"
_FOOTER_ATTR = "_intranet_footer_links"


def _memoised_on_request(request: HttpRequest, attribute: str, compute):
    if not hasattr(request, attribute):
        setattr(request, attribute, compute())
    return getattr(request, attribute)


PagesOfRequest = Callable[[HttpRequest], list[Page]]


def _once_per_request(attribute: str) -> Callable[[PagesOfRequest], Callable[..., list[Page]]]:
    """Makes a tag taking the context from a function of the request: computed once per
    request (kept in ``attribute``), and no page without a request."""

    def decorate(pages_of: PagesOfRequest) -> Callable[..., list[Page]]:
        # Not functools.wraps: simple_tag reads the signature, which must start with context.
        def tag(context) -> list[Page]:
            request = context.get("request")
            if request is None:
                return []
            return _memoised_on_request(request, attribute, lambda: pages_of(request))

        tag.__name__, tag.__doc__ = pages_of.__name__, pages_of.__doc__
        return tag

    return decorate


def _menu_pages(user, parent: Page) -> list[Page]:
    """The live children of ``parent`` shown in menus that this user may see, in tree order."""
    children = Page.objects.child_of(parent).live().in_menu()
    return list(visible_pages(user, children).order_by("path"))


@register.simple_tag(takes_context=True)
@_once_per_request(_NAVIGATION_ATTR)
def main_navigation(request: HttpRequest) -> list[Page]:
    """The conventions under the home page that the reader may see."""
    site = Site.find_for_request(request)
    if site is None:
        return []
    return _menu_pages(request.user, site.root_page)


@register.simple_tag(takes_context=True)
def convention_sections(context, page: Page | None) -> dict:
    """The convention the page belongs to and its sections this reader may see.

    Sections restricted to other colleges are left out, as in every listing.
    """
    request = context.get("request")
    if request is None or not page:
        return {"convention": None, "sections": []}
    convention = next(
        (item for item in main_navigation(context) if page.path.startswith(item.path)), None
    )
    if convention is None:
        return {"convention": None, "sections": []}
    return {"convention": convention, "sections": _menu_pages(request.user, convention)}


# The order in which the footer lists its pages.
FOOTER_ROLES = ["mentions_legales", "donnees_personnelles", "accessibilite", "aide"]


@register.simple_tag(takes_context=True)
@_once_per_request(_FOOTER_ATTR)
def footer_links(request: HttpRequest) -> list[Page]:
    """Legal and help pages, found by their footer role (one query per request)."""
    queryset = StandardPage.objects.live().filter(footer_role__in=FOOTER_ROLES)
    found = list(visible_pages(request.user, queryset))
    return sorted(found, key=lambda item: FOOTER_ROLES.index(item.footer_role))


@register.simple_tag(takes_context=True)
def audience_of_path(context, path: str) -> list[str]:
    """Who may open the page at this path, for the login form reached from a closed page.

    Empty when the path is not a restricted page of the site.
    """
    request = context.get("request")
    if request is None or not path or not path.startswith("/") or path.startswith("//"):
        return []
    site = Site.find_for_request(request)
    if site is None:
        return []
    components = [part for part in path.split("?")[0].split("/") if part]
    try:
        route = site.root_page.specific.route(request, components)
    except Http404:
        return []
    for restriction in route.page.get_view_restrictions():
        if restriction.restriction_type != BaseViewRestriction.PASSWORD:
            return audience_names(restriction)
    return []


@register.simple_tag(takes_context=True)
def site_home(context) -> Page | None:
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    return site.root_page if site else None


@register.simple_tag(takes_context=True)
def visible_child_pages(context, page: Page) -> list[Page]:
    """Live children of a page that the reader may see, in the tree's order."""
    request = context.get("request")
    if request is None:
        return []
    children = Page.objects.child_of(page).live()
    return list(visible_pages(request.user, children).order_by("path"))


@register.simple_tag
def breadcrumb_trail(page: Page) -> list[Page]:
    """Ancestors of a page from the home page down (visible to whoever sees the page)."""
    return list(page.get_ancestors().filter(depth__gte=2))


@register.filter
def paragraphs(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split("\n\n") if part.strip()]


@register.filter
def is_within(page, ancestor) -> bool:
    return bool(page) and bool(ancestor) and page.path.startswith(ancestor.path)


@register.filter
def shown_name(member) -> str:
    """A member's public name: first name and initial for the accompanied college."""
    return member_shown_name(member)


# What a page without a description of its own says about the site (and pages that are
# not Wagtail pages: search, login, the join form).
SITE_DESCRIPTION = (
    "Intranet de la convention des acteurs du travail social et du développement social : "
    "collèges, règlement, dossiers thématiques et rencontres."
)


def _is_public(context, page) -> bool:
    """Whether someone who is not logged in may open the page (the one rule, cms.access)."""
    request = context.get("request")
    return is_public_page(page, getattr(request, "user", None))


@register.simple_tag(takes_context=True)
def meta_description(context, page=None) -> str:
    """The ``<meta name="description">`` of a page; empty for a page that is not public.

    A restricted page's summary must not reach whoever gets its 403 page, nor a link
    preview: only public pages describe themselves.
    """
    if not page:
        return SITE_DESCRIPTION
    if not _is_public(context, page):
        return ""
    describe = getattr(page, "meta_description", None)
    return (describe() if describe else page.search_description) or SITE_DESCRIPTION


@register.simple_tag(takes_context=True)
def page_feed(context, page=None) -> str:
    """The address of the page's Atom feed, for ``<link rel="alternate">``; empty if none.

    Feeds are read by anonymous readers (a feed reader has no session): only a public
    page announces one, and a member's private feed is never announced.
    """
    feed_path = getattr(page, "feed_path", None) if page else None
    path = feed_path() if feed_path else None
    return path if path and _is_public(context, page) else ""
