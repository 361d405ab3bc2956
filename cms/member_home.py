"""What the features' sections of a member's home page share (``members.space.home_sections``).

The sections themselves live in their features (``cms/meetings/home_section.py``…) and
are registered in each feature's ``wagtail_hooks.py``; these helpers answer, under the one
access rule, the two questions several of them ask: where to send a person who has
nothing to list yet, and which dossier a page belongs to.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from wagtail.models import Page

from cms.access import visible_pages
from cms.audience import for_audience


def first_visible_url(request: HttpRequest, model: type[Page]) -> str:
    """The address of the first live page of this type the person may see ("" if none):
    the list of dossiers or of meetings an empty section points to.

    The same for the whole audience (``cms.audience``): asked on every member's home.
    """

    def compute() -> str:
        page = visible_pages(request.user, model.objects.live()).order_by("path").first()
        return (page.get_url(request) or "") if page is not None else ""

    vary_on = (model._meta.label, request.get_host())
    return for_audience(request.user, "first-visible-url", compute, vary_on)


def parent_titles(pages: Iterable[Page]) -> dict[str, str]:
    """The title of each page's parent, by the parent's path, in one query."""
    paths = {page.path[: -Page.steplen] for page in pages if page.depth > 1}
    if not paths:
        return {}
    return dict(Page.objects.filter(path__in=paths).values_list("path", "title"))


def parent_path(page: Page) -> str:
    return page.path[: -Page.steplen]
