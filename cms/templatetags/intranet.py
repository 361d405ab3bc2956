from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django import template
from django.http import Http404, HttpRequest
from wagtail.models import BaseViewRestriction, Page, Site

from cms.access import is_public_page, visible_pages
from cms.audience import for_audience
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


@dataclass(frozen=True)
class MenuEntry:
    """What a menu shows of a page. Menus are cached per audience (``cms.audience``): plain
    values, not pages, so that they can be kept in a cache shared by several processes."""

    pk: int
    path: str
    title: str
    url: str | None


def _entries(request: HttpRequest, pages: Iterable[Page]) -> list[MenuEntry]:
    return [MenuEntry(page.pk, page.path, page.title, page.get_url(request)) for page in pages]


EntriesOfRequest = Callable[[HttpRequest], list[MenuEntry]]


def _once_per_request(
    attribute: str,
) -> Callable[[EntriesOfRequest], Callable[..., list[MenuEntry]]]:
    """Makes a tag taking the context from a function of the request: computed once per
    request (kept in ``attribute``), and no entry without a request."""

    def decorate(entries_of: EntriesOfRequest) -> Callable[..., list[MenuEntry]]:
        # Not functools.wraps: simple_tag reads the signature, which must start with context.
        def tag(context) -> list[MenuEntry]:
            request = context.get("request")
            if request is None:
                return []
            return _memoised_on_request(request, attribute, lambda: entries_of(request))

        tag.__name__, tag.__doc__ = entries_of.__name__, entries_of.__doc__
        return tag

    return decorate


def _menu_entries(request: HttpRequest, site: Site, parent_path: str) -> list[MenuEntry]:
    """The live children of a page shown in menus that the reader may see, in tree order."""

    def compute() -> list[MenuEntry]:
        children = Page.objects.filter(
            path__startswith=parent_path, depth=len(parent_path) // Page.steplen + 1
        )
        pages = visible_pages(request.user, children.live().in_menu()).order_by("path")
        return _entries(request, pages)

    return for_audience(request.user, "menu", compute, vary_on=(site.pk, parent_path))


@register.simple_tag(takes_context=True)
@_once_per_request(_NAVIGATION_ATTR)
def main_navigation(request: HttpRequest) -> list[MenuEntry]:
    """The conventions under the home page that the reader may see."""
    site = Site.find_for_request(request)
    if site is None:
        return []
    return _menu_entries(request, site, site.root_page.path)


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
    site = Site.find_for_request(request)
    if convention is None or site is None:
        return {"convention": None, "sections": []}
    return {"convention": convention, "sections": _menu_entries(request, site, convention.path)}


# The order in which the footer lists its pages.
FOOTER_ROLES = ["mentions_legales", "donnees_personnelles", "accessibilite", "aide"]


@register.simple_tag(takes_context=True)
@_once_per_request(_FOOTER_ATTR)
def footer_links(request: HttpRequest) -> list[MenuEntry]:
    """Legal and help pages, found by their footer role (one query, or none when cached)."""

    def compute() -> list[MenuEntry]:
        queryset = StandardPage.objects.live().filter(footer_role__in=FOOTER_ROLES)
        found = list(visible_pages(request.user, queryset))
        found.sort(key=lambda item: FOOTER_ROLES.index(item.footer_role))
        return _entries(request, found)

    site = Site.find_for_request(request)
    return for_audience(request.user, "footer", compute, vary_on=(site.pk if site else None,))


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
