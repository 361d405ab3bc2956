"""Atom feeds of contributions, filtered by the same visibility rule as the pages."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import parse_http_date_safe

from cms.access import can_view_page, visible_pages
from cms.converters import is_storable_id
from cms.dossiers.pages import ContributionPage, DossierPage, with_shown_names
from cms.notifications.tokens import owner_of_feed_token
from members.models import Member
from members.visibility import shown_name
from shared.links import absolute_url

FEED_SIZE = 30
FEED_MAX_AGE = 300  # seconds, for a member's private feed (kept out of shared caches)


@dataclass
class FeedSource:
    title: str
    link: str
    contributions: list
    address: str = ""  # the feed's own path (its « self » link)


class ContributionsFeed(Feed):
    """Latest contributions the requester may see, site-wide.

    Every link of a feed starts with the site's one base (``shared.links``), never with
    the Host header of the feed reader's request.
    """

    feed_type = Atom1Feed

    def get_feed(self, obj: FeedSource, request):
        obj.address = obj.address or request.path
        return super().get_feed(obj, request)

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
        return absolute_url(source.link)

    def feed_url(self, source: FeedSource) -> str:
        return absolute_url(source.address)

    def author_name(self, source: FeedSource) -> str:
        return settings.WAGTAIL_SITE_NAME

    def subtitle(self, source: FeedSource) -> str:
        return "Contributions publiées dans les dossiers de la convention."

    def items(self, source: FeedSource) -> list:
        # The bylines of the whole feed in a few queries, not a few per entry.
        prefetch_related_objects(
            source.contributions,
            Prefetch("authors", queryset=with_shown_names(Member.objects.all())),
            "colleges",
        )
        return source.contributions

    def item_author_name(self, item: ContributionPage) -> str:
        """The names its byline shows (a pseudonym stays a pseudonym), else its colleges."""
        names = [shown_name(member) for member in item.authors.all()]
        names = names or [college.name for college in item.colleges.all()]
        return ", ".join(names) or settings.WAGTAIL_SITE_NAME

    def item_title(self, item: ContributionPage) -> str:
        return item.title

    def item_description(self, item: ContributionPage) -> str:
        return item.summary

    def item_link(self, item: ContributionPage) -> str:
        return item.get_full_url() or absolute_url()

    def item_pubdate(self, item: ContributionPage):
        return item.first_published_at

    def item_updateddate(self, item: ContributionPage):
        return item.last_published_at


class DossierFeed(ContributionsFeed):
    """Public contributions of a public dossier, the same for everyone.

    It never looks at the requester (no cookie, no session), so it can be cached and
    shared; members read restricted contributions through their private feed.
    """

    def get_object(self, request, page_id: int, *args, **kwargs) -> FeedSource:
        anonymous = AnonymousUser()
        if not is_storable_id(page_id):  # cms.urls still says <int:…>: no such dossier
            raise Http404
        page = DossierPage.objects.live().filter(pk=page_id).first()
        if page is None or not can_view_page(anonymous, page):
            raise Http404
        contributions = page.contributions_for(anonymous)
        return FeedSource(page.title, page.url, list(contributions[:FEED_SIZE]))

    def __call__(self, request, *args, **kwargs) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        # Shared caches may keep the feed but must ask again before each use (a cheap
        # 304 when nothing changed): a dossier that becomes restricted, or a contribution
        # withdrawn, stops being served at once instead of minutes later.
        patch_cache_control(response, public=True, no_cache=True, max_age=0)
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        # Given the response, Django returns it (or a 304) and never None.
        return (
            get_conditional_response(
                request,
                etag=response["ETag"],
                last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
                response=response,
            )
            or response
        )


class PrivateFeed(ContributionsFeed):
    """One member's feed: what *that member* may see, at an address only they know."""

    def get_object(self, request, token: str, *args, **kwargs) -> FeedSource:
        owner = owner_of_feed_token(token)
        if owner is None:
            raise Http404
        contributions = visible_pages(owner, ContributionPage.objects.live())
        return FeedSource(
            "Dernières contributions — flux privé",
            "/",
            list(contributions.order_by("-date", "-pk")[:FEED_SIZE]),
        )

    def subtitle(self, source: FeedSource) -> str:
        return "Contributions que vous avez le droit de lire, y compris celles réservées."

    def __call__(self, request, *args, **kwargs) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        # The address is the secret: keep it out of shared caches, search engines and
        # the Referer header of the links it contains.
        patch_cache_control(response, private=True, max_age=FEED_MAX_AGE)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response
