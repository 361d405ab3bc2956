"""The anonymous page cache: public Wagtail pages, as anonymous readers get them.

Most readers of the public dossiers are not logged in, and their pages are the same
for all of them: such a page is rendered once and served from the ``pages`` cache
alias until the content changes. Anything personal is never stored: responses for
logged-in readers, restricted pages, responses that set a cookie or use the CSRF
token, responses that show or queue messages, anything but a GET.

Invalidation is global and immediate: every change of content (publish, unpublish,
move, delete, view restriction, or any saved page, member, organisation, image or
document) bumps a generation number kept in the same cache, and each entry carries the
number it was rendered in, so an older entry is never served again (the next reader's
page replaces it); the number moves again when the change is committed, for the pages
rendered from the rows of before it. A hit reads the number and the entry in one exchange
with the cache.

With several server processes, the ``pages`` alias must be shared by all of them
(file, database, Memcached or Redis cache; see ``PAGE_CACHE_BACKEND``), otherwise a
purge only reaches the process that made the change; ``PAGE_CACHE_TIMEOUT`` bounds
how long another process may serve an older page.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

T = TypeVar("T")

CACHE_ALIAS = "pages"
GENERATION_KEY = "generation"
# Header that says whether a response came from the page cache (for tests and operators).
CACHE_HEADER = "X-Page-Cache"
# Changes in these apps may show on a public page: any saved or deleted row purges.
CONTENT_APPS = {
    "cms",
    "editorial",
    "meetings",
    "reglement",
    "members",
    "wagtailcore",
    "wagtailimages",
    "wagtaildocs",
    "taggit",
}


def page_cache_enabled() -> bool:
    return getattr(settings, "PAGE_CACHE_ENABLED", True)


def _cache():
    return caches[CACHE_ALIAS]


def _new_generation() -> int:
    # Random, not 1: if the number was evicted, older entries must not match again.
    return secrets.randbits(48)


# The generation read during a GET (``generation_read_once``): a member's page asks for it
# once per cached fragment, and each ask would be an exchange with a shared cache.
_request_generation: ContextVar[list[int] | None] = ContextVar("page_generation", default=None)


@contextmanager
def generation_read_once() -> Iterator[None]:
    """Within the block, the generation is read from the cache at most once (until a purge)."""
    token = _request_generation.set([])
    try:
        yield
    finally:
        _request_generation.reset(token)


def _read_generation() -> int:
    cache = _cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _new_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def current_generation() -> int:
    remembered = _request_generation.get()
    if remembered:
        return remembered[0]
    generation = _read_generation()
    if remembered is not None:
        remembered.append(generation)
    return generation


def kept_until_next_change(key: str, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave under ``key`` since the last change of content.

    For what every reader shares and only a change of content alters. With the page cache
    switched off (``PAGE_CACHE_ENABLED``), ``compute`` is called every time.
    """
    if not page_cache_enabled():
        return compute()
    cache = _cache()
    generation_key = f"kept:{current_generation()}:{key}"
    value = cache.get(generation_key)
    if value is None:
        value = compute()
        cache.set(generation_key, value)
    return value


def _next_generation() -> None:
    cache = _cache()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, _new_generation(), timeout=None)
    remembered = _request_generation.get()
    if remembered is not None:
        remembered.clear()


def _purge_pending_on_commit(connection) -> bool:
    return any(callback is _next_generation for _, callback, _ in connection.run_on_commit)


def purge_page_cache(**_signal_kwargs) -> None:
    """Forget every cached page and fragment (by moving to a new generation of keys).

    Now, and once more when the transaction that made the change commits: until then other
    readers still read the rows from before it, and what they render in between must not
    outlive the commit (a page just restricted would stay served to anyone).
    """
    _next_generation()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not _purge_pending_on_commit(connection):
        transaction.on_commit(_next_generation, robust=True)


def _key(request: HttpRequest) -> str:
    """One key per address; the entry carries the generation it was rendered in."""
    url = f"{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()
    return f"page:{digest}"


# ---------------------------------------------------------------------------
# Which requests and responses may use the cache


def _holds_no_session(request: HttpRequest) -> bool:
    """No session and no message cookie: anonymous, with no message, for sure.

    Answered from the cookies alone, so that a response which does not depend on the
    reader (a public feed) is not marked ``Vary: Cookie`` by this middleware.
    """
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


def _is_anonymous_without_messages(request: HttpRequest) -> bool:
    """Asked once the response is made, when the inner middlewares have set the user."""
    if _holds_no_session(request):
        return True
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    return len(messages.get_messages(request)) == 0


def _may_read_cache(request: HttpRequest) -> bool:
    """Only GETs from readers with no session and no message: anonymous for sure.

    Decided before the session and the user are known, from the cookies alone; an
    anonymous reader who holds a session (a password-protected page opened) is served
    pages built for them, which may still be stored for the others.
    """
    return request.method == "GET" and _holds_no_session(request)


def _is_public_page_response(response: HttpResponse) -> bool:
    """A page of the tree rendered by Wagtail, with no view restriction on it or above it."""
    context = getattr(response, "context_data", None) or {}
    page = context.get("page")
    if not isinstance(page, Page):
        return False
    return not page.get_view_restrictions().exists()


def _may_store(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies or not _is_anonymous_without_messages(request):
        return False
    # The page used the CSRF token (a form): the token belongs to this reader.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    return _is_public_page_response(response)


def _stored(response: HttpResponse) -> dict:
    # Every header the inner middlewares and the view gave (X-Frame-Options, Vary…): on a
    # hit they do not run. Cookies are not headers here, and a page with one is not kept.
    headers = {name: value for name, value in response.items() if name != CACHE_HEADER}
    return {"status": response.status_code, "headers": headers, "content": response.content}


def _restored(entry: dict) -> HttpResponse:
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"].items():
        response[name] = value
    return response


class AnonymousPageCacheMiddleware:
    """Serve public pages to anonymous readers from the ``pages`` cache.

    Placed before the session, authentication and messages middlewares, so that a hit
    costs none of them; it decides whether to store once they have run, on the way out.
    The middlewares above it (HTTPS redirect, security headers, request log) still run
    on a hit.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not page_cache_enabled():
            return self.get_response(request)
        if not _may_read_cache(request):
            if request.method not in ("GET", "HEAD"):
                return self.get_response(request)
            # A member's page: its fragments (cms.audience) share one read of the generation.
            with generation_read_once():
                return self.get_response(request)
        key = _key(request)
        # The generation and the entry in one exchange with a shared cache (one MGET).
        found = _cache().get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            generation = current_generation()
        entry = found.get(key)
        if entry is not None and entry.get("generation") == generation:
            response = _restored(entry)
            response[CACHE_HEADER] = "hit"
            # A logged-in reader gets another page: shared caches must tell them apart.
            patch_vary_headers(response, ("Cookie",))
            return response
        response = self.get_response(request)
        if _may_store(request, response):
            # The generation read before rendering: if the content changed meanwhile, the
            # entry is older than the new generation and never served.
            entry = {**_stored(response), "generation": generation}
            _cache().set(key, entry, timeout=settings.PAGE_CACHE_TIMEOUT)
            response[CACHE_HEADER] = "miss"
        return response


# ---------------------------------------------------------------------------
# Purge on every change of content


def _purge_on_content_change(sender, **kwargs) -> None:
    if sender._meta.app_label not in CONTENT_APPS:
        return
    # Wagtail creates a site's settings row, with its defaults, on the first read of it:
    # no page changes then (the admin's first save is an update, and purges).
    if kwargs.get("created") and issubclass(sender, (BaseSiteSetting, BaseGenericSetting)):
        return
    purge_page_cache()


def _purge_on_relation_change(sender, action: str, instance, **kwargs) -> None:
    # Groups of a view restriction, colleges or authors of a contribution…
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if {sender._meta.app_label, instance._meta.app_label} & CONTENT_APPS:
        purge_page_cache()


def connect_purge_signals() -> None:
    """Called once from the app's ready(): purge when anything shown on a page changes."""
    page_published.connect(purge_page_cache, dispatch_uid="page_cache_published")
    page_unpublished.connect(purge_page_cache, dispatch_uid="page_cache_unpublished")
    # Moves update the tree with queryset updates, which send no post_save.
    post_page_move.connect(purge_page_cache, dispatch_uid="page_cache_moved")
    post_save.connect(_purge_on_content_change, dispatch_uid="page_cache_saved")
    post_delete.connect(_purge_on_content_change, dispatch_uid="page_cache_deleted")
    m2m_changed.connect(_purge_on_relation_change, dispatch_uid="page_cache_relations")
