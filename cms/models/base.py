"""What every page of the intranet shares."""

from __future__ import annotations

from django.db.models import QuerySet
from wagtail.models import Page

from cms.access import visible_pages


def visible_children(page: Page, user, model: type[Page] | None = None) -> QuerySet:
    """Live children of a page that this user may see, of one page type if given."""
    queryset = (model.objects if model else Page.objects).child_of(page).live()
    return visible_pages(user, queryset)


class IntranetPage(Page):
    """Base of the convention's page types: listings only show what the reader may see."""

    class Meta:
        abstract = True

    def visible_children(self, user, model: type[Page] | None = None) -> QuerySet:
        return visible_children(self, user, model)
