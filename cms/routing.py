"""Finding the page an address names in one query, not two per level of the tree.

Wagtail routes ``/paca/dossiers/non-recours-numerique/`` one segment at a time: each page
looks its child up by slug, then loads the child's specific row to ask it to route the
rest (``Page.route``), so a page five levels down costs ten queries before anything is
shown. Every page type of the site routes through ``route_below`` instead: it reads the
candidate descendants of all the segments at once (slug and depth, inside the page's
subtree), walks them in memory, and loads only the specific row of the page that must
answer. The answer is the one Wagtail's walk gives:

- a page whose class keeps Wagtail's routing (``Page.route``) hands the next segment to
  its child with that slug, or answers 404 when there is none, live or not;
- the last page of the walk answers itself (``route(request, [])``: 404 when not live);
- a routable page (``RoutablePageMixin``) answers when it is live and one of its sub-routes
  matches the rest of the address, else hands the next segment to its child, as its own
  ``route`` does;
- any other ``route`` (a class of its own) is asked with the rest of the address.

View restrictions are not decided here: serving checks them (``cms.wagtail_hooks``) for
the page this returns, whatever the walk.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.http import Http404, HttpRequest
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

# The routes that do nothing but walk to a child: the walk below stands for them.
_WALKS_TO_CHILD: set[object] = {Page.route}


def walks_to_child(route: object) -> None:
    """Declare ``route`` (a function) as one that only hands segments to children."""
    _WALKS_TO_CHILD.add(route)


def _sub_route_matches(page_class: type[RoutablePageMixin], rest: Sequence[str]) -> bool:
    try:
        page_class.get_resolver().resolve("/" + "".join(f"{segment}/" for segment in rest))
    except Http404:
        return False
    return True


def _answers_itself(page: Page, page_class: type[Page] | None, rest: Sequence[str]) -> bool:
    """Whether the walk stops at ``page`` and asks it to route ``rest`` (not empty)."""
    if page_class is None:  # a page type whose model is gone: Wagtail's own routing
        return True
    route = page_class.route
    if route in _WALKS_TO_CHILD:
        return False
    if route is RoutablePageMixin.route and _route_after(page_class, RoutablePageMixin) in (
        _WALKS_TO_CHILD
    ):
        return page.live and _sub_route_matches(page_class, rest)
    return True


def _route_after(page_class: type, mixin: type) -> object:
    """The ``route`` that ``mixin``'s ``super().route`` reaches in ``page_class``."""
    classes = page_class.__mro__
    for later in classes[classes.index(mixin) + 1 :]:
        if "route" in vars(later):
            return vars(later)["route"]
    return None


def route_below(page: Page, request: HttpRequest, segments: Sequence[str]):
    """Wagtail's ``route`` from ``page`` for the address segments below it."""
    if not segments:
        return Page.route(page, request, segments)
    found = {
        (candidate.path[: -page.steplen], candidate.slug): candidate
        for candidate in Page.objects.filter(
            path__startswith=page.path,
            depth__gt=page.depth,
            depth__lte=page.depth + len(segments),
            slug__in=set(segments),
        )
    }
    parent = page
    for position, slug in enumerate(segments):
        child = found.get((parent.path, slug))
        if child is None:
            raise Http404
        child._cached_parent_obj = parent  # as Page.route does: get_parent() costs nothing
        rest = segments[position + 1 :]
        if not rest or _answers_itself(child, child.specific_class, rest):
            return child.specific.route(request, rest)
        parent = child
    raise AssertionError("unreachable: the last segment always answers")
