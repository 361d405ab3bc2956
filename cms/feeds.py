"""Atom feeds of contributions, filtered by the same visibility rule as the pages."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import parse_http_date_safe

from cms.access import can_view_page, visible_pages
from cms.converters import is_storable_id
from cms.dossiers.pages import ContributionPage, DossierPage, with_shown_names
from cms.followup.access import visible_items
from cms.followup.board import scope
from cms.followup.models import STATUSES_WITH_REASON, FollowupBoardPage, TimelineEntry
from cms.notifications.tokens import owner_of_feed_token
from members.models import Member
from members.visibility import shown_name
from shared.links import absolute_url

FEED_SIZE = 30
FEED_MAX_AGE = 300  # seconds, for a member's private feed (kept out of shared caches)


def day_start(day: datetime.date) -> datetime.datetime:
    """A date as the first moment of that day, in the site's time zone (Atom wants times)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def updated_after(published: datetime.datetime, changed: datetime.datetime | None):
    """<updated>: the last change, never before <published> (a work dated after its upload)."""
    return max(published, changed) if changed else published


class SharedFeed:
    """A feed that never looks at the requester, so shared caches may keep it.

    Caches must ask again before each use (a cheap 304 when nothing changed): a page that
    becomes restricted, or an entry withdrawn, stops being served at once.
    """

    def __call__(self, request, *args, **kwargs) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)  # type: ignore[misc]  # a Feed's
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


class OwnersFeed:
    """A feed at an address only its owner knows: kept out of shared caches and indexes."""

    def __call__(self, request, *args, **kwargs) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)  # type: ignore[misc]  # a Feed's
        # The address is the secret: keep it out of shared caches, search engines and
        # the Referer header of the links it contains.
        patch_cache_control(response, private=True, max_age=FEED_MAX_AGE)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response


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

    def item_pubdate(self, item: ContributionPage) -> datetime.datetime:
        """The contribution's own date (the work's), not the day it was put online."""
        return day_start(item.date)

    def item_updateddate(self, item: ContributionPage) -> datetime.datetime:
        return updated_after(day_start(item.date), item.last_published_at)


class DossierFeed(SharedFeed, ContributionsFeed):
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


class PrivateFeed(OwnersFeed, ContributionsFeed):
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


# --- the status changes of a board « Suivi des préconisations » --------------


@dataclass
class ChangesSource:
    board: FollowupBoardPage
    entries: list[TimelineEntry]
    private: bool = False
    address: str = ""  # the feed's own path (its « self » link)


def board_for(reader, board_id: int) -> FollowupBoardPage:
    """The live board this reader may see, else a 404 (as for a missing one)."""
    board = FollowupBoardPage.objects.live().filter(pk=board_id).first()
    if board is None or not can_view_page(reader, board):
        raise Http404
    return board


def status_changes(reader, board: FollowupBoardPage) -> list[TimelineEntry]:
    """The latest status changes of the board's current items that this reader may see."""
    items = visible_items(reader, scope(board)).filter(archived_at__isnull=True)
    # A status change is always the first change a step records (the site lists the
    # fields in TRACKED_FIELDS' order, the content loader too, status first): one JSON
    # path finds them on SQLite and PostgreSQL alike.
    return list(
        TimelineEntry.objects.filter(item__in=items, changes__0__field="status")
        .select_related("item")
        .prefetch_related(Prefetch("author__member", queryset=with_shown_names(Member.objects)))
        .order_by("-date", "-created_at", "-pk")[:FEED_SIZE]
    )


class StatusChangesFeed(Feed):
    """Each status change of a board's préconisations, newest first.

    The board and every item go through the one access rule (``visible_items``), for the
    anonymous reader (``SharedStatusChangesFeed``, the same for everyone, kept by shared
    caches) or for the owner of a private feed address (``PrivateStatusChangesFeed``).
    """

    feed_type = Atom1Feed

    def get_feed(self, obj: ChangesSource, request):
        obj.address = obj.address or request.path
        return super().get_feed(obj, request)

    def title(self, source: ChangesSource) -> str:
        suffix = " — flux privé" if source.private else ""
        return f"{source.board.title} : changements d'état{suffix}"

    def link(self, source: ChangesSource) -> str:
        return source.board.get_full_url() or absolute_url()

    def feed_url(self, source: ChangesSource) -> str:
        return absolute_url(source.address)

    def author_name(self, source: ChangesSource) -> str:
        return settings.WAGTAIL_SITE_NAME

    def subtitle(self, source: ChangesSource) -> str:
        if source.private:
            return "Les préconisations que vous avez le droit de lire, y compris celles réservées."
        return "Ce que deviennent les préconisations de la convention : chaque changement d'état."

    def items(self, source: ChangesSource) -> list[TimelineEntry]:
        return source.entries

    def item_title(self, entry: TimelineEntry) -> str:
        change = entry.changes[0]
        return f"{entry.item.title} : {change['before']} → {change['after']}"

    def item_description(self, entry: TimelineEntry) -> str:
        """Why it changed, and for a closed item the reason given (what was done, or not)."""
        lines = [entry.text]
        item = entry.item
        closing = item.status in STATUSES_WITH_REASON
        if (
            closing
            and item.status_reason
            and entry.changes[0]["after"] == item.get_status_display()
        ):
            lines.append(f"Motif : {item.status_reason}")
        return "\n\n".join(line for line in lines if line)

    def item_link(self, entry: TimelineEntry) -> str:
        return absolute_url(reverse("followup:item", args=[entry.item_id]) + "#historique")

    def item_guid(self, entry: TimelineEntry) -> str:
        return absolute_url(reverse("followup:item", args=[entry.item_id]) + f"#etape-{entry.pk}")

    def item_guid_is_permalink(self, entry: TimelineEntry) -> bool:
        return False

    def item_author_name(self, entry: TimelineEntry) -> str:
        member = getattr(entry.author, "member", None) if entry.author else None
        return shown_name(member) if member else settings.WAGTAIL_SITE_NAME

    def item_pubdate(self, entry: TimelineEntry) -> datetime.datetime:
        """The day the step happened, as written on the item's timeline."""
        return day_start(entry.date)

    def item_updateddate(self, entry: TimelineEntry) -> datetime.datetime:
        return updated_after(day_start(entry.date), entry.created_at)


class SharedStatusChangesFeed(SharedFeed, StatusChangesFeed):
    """/flux/preconisations/<board>/: what anyone may read, cached by shared caches."""

    def get_object(self, request, board_id: int, *args, **kwargs) -> ChangesSource:
        anonymous = AnonymousUser()
        board = board_for(anonymous, board_id)
        return ChangesSource(board, status_changes(anonymous, board))


class PrivateStatusChangesFeed(OwnersFeed, StatusChangesFeed):
    """/flux/prive/<token>/preconisations/<board>/: what *that member* may read."""

    def get_object(self, request, token: str, board_id: int, *args, **kwargs) -> ChangesSource:
        owner = owner_of_feed_token(token)
        if owner is None:
            raise Http404
        board = board_for(owner, board_id)
        return ChangesSource(board, status_changes(owner, board), private=True)
