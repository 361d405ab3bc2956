"""What every page of the intranet shares, the admin rights on pages included.

Wagtail grants page rights on a subtree (``GroupPagePermission``): a referent who may edit
a college space would otherwise edit, preview and list pages of that subtree restricted to
other colleges. The rule is the site's: no one acts on, or sees in the admin, a page they
may not view (``cms.access.can_view_page``). It is enforced here, once, for every admin view:

- ``IntranetPagePermissionTester`` (returned by ``IntranetPage.permissions_for_user``)
  answers no to every ``can_*`` question on a page the user may not view; Wagtail's edit,
  preview, history, revisions, copy, move, delete, lock, unpublish, privacy, usage and
  workflow history views all ask it;
- ``IntranetPagePermissionPolicy`` (registered for all pages in Wagtail's policy registry)
  drops rights granted on pages the user may not view, and removes such pages from every
  queryset Wagtail builds from rights (explorer, admin search, admin API, reports, audit log).

Coordination and superusers see every page.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.models import AbstractPage, Page, PagePermissionTester
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.query import PageQuerySet

from cms.access import VIEW_RESTRICTIONS_ATTR, can_view_page, visible_pages
from cms.file_references import IntranetPageForm
from cms.routing import route_below, walks_to_child
from members.roles import COORDINATION_GROUP
from shared.links import absolute_url

_SEES_EVERY_PAGE_ATTR = "_cms_sees_every_page"


def visible_children(page: Page, user, model: type[Page] | None = None) -> PageQuerySet:
    """Live children of a page that this user may see, of one page type if given."""
    queryset = (model.objects if model else Page.objects).child_of(page).live()
    return visible_pages(user, queryset)


def sees_every_page(user) -> bool:
    """Superusers and coordination see every page, in the admin as on the site."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # Cached on the user object: the admin asks many times per request.
    cached = getattr(user, _SEES_EVERY_PAGE_ATTR, None)
    if cached is None:
        cached = user.groups.filter(name=COORDINATION_GROUP).exists()
        setattr(user, _SEES_EVERY_PAGE_ATTR, cached)
    return cached


def admin_can_view(user, page: Page) -> bool:
    """Whether the admin may show this page to this user at all."""
    return sees_every_page(user) or can_view_page(user, page)


def admin_visible_pages(user, queryset: QuerySet) -> QuerySet:
    """The pages of a queryset the admin may show to this user."""
    return queryset if sees_every_page(user) else visible_pages(user, queryset)


def _only_if_visible(name: str):
    granted = getattr(PagePermissionTester, name)

    @functools.wraps(granted)
    def check(self, *args, **kwargs):
        return self.page_is_visible and granted(self, *args, **kwargs)

    return check


class IntranetPagePermissionTester(PagePermissionTester):
    """Wagtail's tester, answering no to everything on a page the user may not view."""

    # Every ``can_*`` of Wagtail's tester, so that one added by an upgrade is covered too.
    GUARDED = tuple(name for name in dir(PagePermissionTester) if name.startswith("can_"))

    def __init__(self, user, page: Page) -> None:
        super().__init__(user, page)
        self.page_is_visible = admin_can_view(user, page)
        if not self.page_is_visible:
            # ``can_move_to`` and ``can_copy_to`` read the destination's permissions.
            self.permissions: set[str] = set()


for _name in IntranetPagePermissionTester.GUARDED:
    setattr(IntranetPagePermissionTester, _name, _only_if_visible(_name))


class IntranetPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page policy, blind to pages the user may not view."""

    def get_all_permissions_for_user(self, user):
        permissions = super().get_all_permissions_for_user(user)
        if sees_every_page(user):
            return permissions
        # A right granted on a page one may not view is no right: it must not open the
        # explorer there, nor count for "has some page permission".
        return permissions.filter(page__in=visible_pages(user, Page.objects.all()))

    def user_has_any_permission_for_instance(self, user, actions, instance) -> bool:
        return admin_can_view(user, instance) and super().user_has_any_permission_for_instance(
            user, actions, instance
        )

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        return admin_visible_pages(
            user, super().instances_user_has_any_permission_for(user, actions)
        )

    def explorable_instances(self, user) -> QuerySet:
        return admin_visible_pages(user, super().explorable_instances(user))


# Registered for all pages (Wagtail's own policy is registered for ``AbstractPage`` too):
# the tester, the admin views and the reports all look the page policy up there.
register_permission_policy(AbstractPage, IntranetPagePermissionPolicy())


# The fields that sum a page up, in the order they are looked for (a contribution's
# summary, the introduction most page types have, a convention's preamble, a programme).
SUMMARY_FIELDS = ("summary", "intro", "preamble", "programme")
# Search engines show about this many characters of a description.
DESCRIPTION_LENGTH = 160


class IntranetPage(Page):
    """Base of the convention's page types: listings only show what the reader may see."""

    # Refuses at save a document or image its editor may not view (cms.file_references).
    base_form_class = IntranetPageForm

    class Meta:
        abstract = True

    def visible_children(self, user, model: type[Page] | None = None) -> PageQuerySet:
        return visible_children(self, user, model)

    def get_view_restrictions(self) -> QuerySet:
        # Read once per served page (cms.access.remember_view_restrictions).
        remembered = getattr(self, VIEW_RESTRICTIONS_ATTR, None)
        return remembered if remembered is not None else super().get_view_restrictions()

    def route(self, request: HttpRequest, path_components: Sequence[str]):
        # Wagtail's routing in one query for the whole address (cms.routing).
        return route_below(self, request, path_components)

    def permissions_for_user(self, user) -> IntranetPagePermissionTester:
        return IntranetPagePermissionTester(user, self)

    def get_full_url(self, request: HttpRequest | None = None) -> str | None:
        """The page's address from the site's one base (``shared.links.absolute_url``).

        Sitemap, PDF footers, CSV files and e-mails all read it: none of them may start
        with the Host header of the request that built it, which the visitor chooses.
        """
        url = self.get_url(request)
        return absolute_url(url) if url else None

    def meta_description(self) -> str:
        """What search engines and link previews show: the editor's search description,
        else the first words of the page's own summary, else nothing."""
        text = self.search_description
        for field in SUMMARY_FIELDS:
            if text:
                break
            text = " ".join(html.unescape(strip_tags(getattr(self, field, "") or "")).split())
        return Truncator(text).chars(DESCRIPTION_LENGTH)

    def feed_path(self) -> str | None:
        """The address of this page's Atom feed, announced in its ``<head>``; None: none."""
        return None


walks_to_child(IntranetPage.route)


class SubRoutes:
    """For a routable page (``RoutablePageMixin``): the URLs of its ``@path`` views."""

    if TYPE_CHECKING:
        # What the page and RoutablePageMixin give it (both untyped).
        def get_url(self, request: HttpRequest | None = None) -> str | None: ...
        def reverse_subpage(self, name: str, args: Sequence[object] = ()) -> str: ...

    def sub_url(self, request: HttpRequest | None, name: str, *args: object) -> str:
        """The URL of the sub-route ``name``; empty for a preview of a page not yet in the
        tree, which has no URL and so no routes."""
        url = self.get_url(request)
        if not url:
            return ""
        return url + self.reverse_subpage(name, args=args)
