"""Who may see which page: the one rule every surface uses.

Page visibility is stored as Wagtail ``PageViewRestriction``s and Wagtail's own
``accept_request`` decides when a page is served. This module applies the very same
decision to a user without a request, and to querysets, so that listings, menus and
search never show a page that serving would refuse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest
from wagtail.models import (
    BaseViewRestriction,
    Page,
    PageViewRestriction,
    ReferenceIndex,
    WorkflowState,
)
from wagtail.permissions import policy_registry

_CACHE_ATTR = "_cms_access_cache"
VIEW_RESTRICTIONS_ATTR = "_cms_view_restrictions"


class _AccessCache:
    def __init__(self, user) -> None:
        # ``all()``, not ``values_list``: serving a page prefetches the reader's groups
        # (cms.wagtail_hooks), and Wagtail's own check reads them from there too.
        self.group_ids = (
            frozenset(group.pk for group in user.groups.all())
            if user.is_authenticated
            else frozenset()
        )
        self._denied_paths: tuple[str, ...] | None = None
        self._admitted_ids: frozenset[int] = frozenset()
        # Every restricted path, admitting this user or not: what an anonymous reader is denied.
        self._restricted_paths: tuple[str, ...] = ()


def _cache_for(user) -> _AccessCache:
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = _AccessCache(user)
        setattr(user, _CACHE_ATTR, cache)
    return cache


def _admits(user, restriction_type: str, groups: Iterable[int], group_ids: frozenset[int]) -> bool:
    """The decision itself, on a restriction's type and group ids."""
    if restriction_type == BaseViewRestriction.PASSWORD:
        return False
    if not user.is_authenticated:
        return False
    if restriction_type == BaseViewRestriction.LOGIN or user.is_superuser:
        return True
    return any(group in group_ids for group in groups)


def restriction_admits(
    user, restriction: BaseViewRestriction, group_ids: frozenset[int] | None = None
) -> bool:
    """Wagtail's ``accept_request`` for a user; password restrictions never admit here."""
    if group_ids is None:
        group_ids = _cache_for(user).group_ids
    groups = [group.pk for group in restriction.groups.all()]
    return _admits(user, restriction.restriction_type, groups, group_ids)


def _decide_restrictions(user) -> None:
    """Decide once per user object which restrictions admit them (two queries).

    Plain rows, not model instances: this runs on every member page.
    """
    cache = _cache_for(user)
    if cache._denied_paths is not None:
        return
    groups_of: dict[int, list[int]] = {}
    links = PageViewRestriction.groups.through.objects.values_list(
        "pageviewrestriction_id", "group_id"
    )
    for restriction_id, group_id in links:
        groups_of.setdefault(restriction_id, []).append(group_id)
    denied, admitted, restricted = set(), set(), set()
    rows = PageViewRestriction.objects.values_list("pk", "restriction_type", "page__path")
    for pk, restriction_type, path in rows:
        restricted.add(path)
        if _admits(user, restriction_type, groups_of.get(pk, ()), cache.group_ids):
            admitted.add(pk)
        else:
            denied.add(path)
    cache._denied_paths = _outermost(denied)
    cache._admitted_ids = frozenset(admitted)
    cache._restricted_paths = _outermost(restricted)


def _outermost(paths: Iterable[str]) -> tuple[str, ...]:
    """The paths that are not inside another one of them: the same subtrees, fewer tests.

    In sorted order a path's descendants follow it directly, so one pass keeps the roots.
    """
    roots: list[str] = []
    for path in sorted(paths):
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    return tuple(roots)


_ANONYMOUS_ATTR = "_cms_access_anonymous"


def anonymous_reader(request: HttpRequest | None = None) -> AnonymousUser:
    """A visitor who is not logged in, one object per request.

    Asking "is this public?" several times in a request (templates do) then decides the
    restrictions once, on that object; a new request, even in the same process, gets a
    new object and decides again (restrictions may have changed in between).
    """
    if request is None:
        return AnonymousUser()
    anonymous = getattr(request, _ANONYMOUS_ATTR, None)
    if anonymous is None:
        anonymous = AnonymousUser()
        setattr(request, _ANONYMOUS_ATTR, anonymous)
    return anonymous


def denied_paths(user) -> tuple[str, ...]:
    """Tree paths of the restricted pages this user may not enter (their subtrees are closed)."""
    _decide_restrictions(user)
    paths = _cache_for(user)._denied_paths
    assert paths is not None  # _decide_restrictions has just set them
    return paths


def admitted_restriction_ids(user) -> frozenset[int]:
    """Ids of the view restrictions that let this user in (search ACL tokens come from them)."""
    _decide_restrictions(user)
    return _cache_for(user)._admitted_ids


def visible_pages(user, queryset: QuerySet) -> QuerySet:
    """Filter a page queryset down to the pages this user may see."""
    closed = denied_paths(user)
    if not closed:
        return queryset
    # One regular expression rather than one LIKE per closed subtree: Django compiles each
    # filter in Python, and a reader may be denied dozens of subtrees on every listing.
    # Tree paths are base-36 digits only (treebeard), so nothing in them needs escaping.
    return queryset.exclude(path__regex=_starts_with_any(closed))


def _starts_with_any(paths: tuple[str, ...]) -> str:
    return "^(?:" + "|".join(re.escape(path) for path in paths) + ")"


def remember_view_restrictions(page: Page) -> QuerySet:
    """The restrictions on the page and its ancestors, read once for the request serving it.

    Two checks read them while a page is served (ours for logged-in readers, then
    Wagtail's); ``IntranetPage.get_view_restrictions`` gives this evaluated queryset, with
    each restriction's groups, to both. It lives on the page object the request routed to,
    so it is never older than the request.
    """
    restrictions = Page.get_view_restrictions(page).prefetch_related("groups")
    list(restrictions)  # evaluated now: later iterations and .exists() read the cache
    setattr(page, VIEW_RESTRICTIONS_ATTR, restrictions)
    return restrictions


def can_view_page(user, page: Page) -> bool:
    """True when every restriction on the page and its ancestors admits the user."""
    return not any(page.path.startswith(path) for path in denied_paths(user))


def is_public_page(page: Page, reader=None) -> bool:
    """Whether someone who is not logged in may open the page.

    No restriction admits an anonymous reader, so the answer is "no restriction on the page
    or above it"; given the request's ``reader``, it comes from the restrictions already
    read for that reader's own decision, with no query of its own.
    """
    reader = reader if reader is not None else AnonymousUser()
    _decide_restrictions(reader)
    return not any(page.path.startswith(path) for path in _cache_for(reader)._restricted_paths)


# ---------------------------------------------------------------------------
# Files: a document or image is as visible as the pages that use it.


def _ids_of_pages_using(obj) -> list[int]:
    """Pages (live or not) that reference this document or image (Wagtail's reference index)."""
    page_type = ContentType.objects.get_for_model(Page)
    page_ids = (
        ReferenceIndex.get_references_to(obj)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    )
    return [int(pk) for pk in page_ids]


def pages_using(obj) -> QuerySet:
    """Live pages that reference this document or image."""
    return Page.objects.live().filter(pk__in=_ids_of_pages_using(obj))


def _edits_files(user, obj) -> bool:
    """Editors who may choose or change files of this file's collection in the admin see them.

    The permission is checked on the file's own collection: a right over one collection
    must not open the files of every other one.
    """
    if not user.is_authenticated:
        return False
    # Wagtail's own policy for the model: it knows the owner field (uploaded_by_user).
    policy = policy_registry.get_by_type(type(obj))
    return policy.user_has_any_permission_for_instance(user, ["change", "choose"], obj)


def _uploaded_by(user, obj) -> bool:
    return user.is_authenticated and getattr(obj, "uploaded_by_user_id", None) == user.pk


def _sees_file_itself(user, obj) -> bool:
    """What a user may open in their own right, leaving aside any review they take part in."""
    if _edits_files(user, obj):
        return True
    return visible_pages(user, pages_using(obj)).exists()


def may_reference_file(user, obj) -> bool:
    """Whether this user may put the document or image on a page they edit.

    They may use what they could open themselves, and what they uploaded (its content
    is theirs). Files opened only as a reviewer do not count: copying one to another
    page would publish it beyond the review.
    """
    return _uploaded_by(user, obj) or _sees_file_itself(user, obj)


def _reviews_a_page_using(user, obj) -> bool:
    """Reviewers of a page in a workflow may open its files before it is published.

    Only the files the submitter could open, or uploaded with the submission: a
    submission must not open to its reviewers a file its author may not see. Reviewing
    one's own submission opens nothing more than one could already see.
    """
    if not user.is_authenticated:
        return False
    page_ids = _ids_of_pages_using(obj)
    if not page_ids:
        return False
    in_review = (
        WorkflowState.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id__in=[str(pk) for pk in page_ids],
            status=WorkflowState.STATUS_IN_PROGRESS,
            current_task_state__isnull=False,
        )
        .exclude(requested_by=user)
        .exclude(requested_by__isnull=True)
        .select_related("current_task_state__task", "requested_by")
    )
    pages = Page.objects.in_bulk(page_ids)
    for state in in_review:
        page = pages.get(int(state.object_id))
        task = state.current_task_state.task.specific
        if page is None or not task.get_actions(page.specific, user):
            continue
        if may_reference_file(state.requested_by, obj):
            return True
    return False


def can_view_file(user, obj) -> bool:
    """A document or image may be opened by whoever may see a live page that uses it.

    Files no live page uses (drafts, unpublished, never attached) stay with the editors,
    and with the reviewers of a page under review that uses them (see
    ``_reviews_a_page_using`` for which files a review opens).
    """
    return _sees_file_itself(user, obj) or _reviews_a_page_using(user, obj)
