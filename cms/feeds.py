"""Atom feeds of contributions, filtered by the same visibility rule as the pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed
from wagtail.models import Page

from cms.access import can_view_page, visible_pages
from cms.models import ContributionPage, DossierPage

FEED_SIZE = 30


@dataclass
class FeedSource:
    title: str
    link: str
    contributions: list


class ContributionsFeed(Feed):
    """Latest contributions the requester may see, site-wide."""

    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs) -> FeedSource:
        contributions = visible_pages(request.user, ContributionPage.objects.live())
        return FeedSource(
            "Dernières contributions",
            "/",
            list(contributions.order_by("-date", "-pk")[:FEED_SIZE]),
        )

    def title(self, source: FeedSource) -> str:
        return source.title

    def link(self, source: FeedSource) -> str:
        return source.link

    def subtitle(self, source: FeedSource) -> str:
        return "Contributions publiées dans les dossiers de la convention."

    def items(self, source: FeedSource) -> list:
        return source.contributions

    def item_title(self, item: ContributionPage) -> str:
        return item.title

    def item_description(self, item: ContributionPage) -> str:
        return item.summary

    def item_link(self, item: ContributionPage) -> str:
        return item.url

    def item_pubdate(self, item: ContributionPage):
        return item.first_published_at

    def item_updateddate(self, item: ContributionPage):
        return item.last_published_at


class DossierFeed(ContributionsFeed):
    """Contributions of one dossier; the dossier itself must be visible to the requester."""

    def get_object(self, request, page_id: int, *args, **kwargs) -> FeedSource:
        page = Page.objects.live().filter(pk=page_id).specific().first()
        if not isinstance(page, DossierPage) or not can_view_page(request.user, page):
            raise Http404
        contributions = page.contributions_for(request.user)
        return FeedSource(page.title, page.url, list(contributions[:FEED_SIZE]))
