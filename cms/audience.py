"""Parts of member pages cached per audience: readers who may see the same pages share them.

Members of the same colleges see the same dossiers, contributions and menus, and they never
hit the anonymous page cache (``cms.cache``). What depends on nothing but *which pages the
reader may see* (a menu, a listing of contributions, the préconisations of a dossier) is
rendered once per audience and served to everyone in it.

The audience is the exact set of subtrees closed to the reader, as ``cms.access`` decides
it for every listing (``denied_paths``). ``visible_pages`` filters with that set and nothing
else, so two readers with the same key get the same pages from any listing; a reader who may
not see a page never has the key of a fragment that shows it. Keys also carry the generation
of the anonymous page cache, so every change of content purges both at once.

Only what the key decides may go into such a fragment: no name or right of the reader
(« Connecté·e », a follow button, coordination's links), no CSRF token, no « Mes … ». Those
parts stay outside and are rendered for each request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import TypeVar

from cms.access import denied_paths
from cms.cache import kept_until_next_change, page_cache_enabled

T = TypeVar("T")


def audience_key(user) -> str:
    """A short digest of the subtrees closed to this reader."""
    closed = "\n".join(denied_paths(user))
    return hashlib.sha256(closed.encode("ascii")).hexdigest()[:32]


def fragment_key(user, name: str, vary_on: Iterable[object] = ()) -> str:
    """Where a fragment named ``name`` is kept for this reader's audience (the cache adds
    the generation: ``cms.cache.kept_until_next_change``)."""
    varies = "\x1f".join(str(value) for value in vary_on)
    digest = hashlib.sha256(f"{name}\x1e{varies}".encode()).hexdigest()[:32]
    return f"audience:{audience_key(user)}:{digest}"


def for_audience(user, name: str, compute: Callable[[], T], vary_on: Iterable[object] = ()) -> T:
    """``compute()``, or what it gave for a reader of the same audience since the last change.

    ``compute`` must depend only on the pages this audience may see and on ``vary_on``.
    With the page cache switched off (``PAGE_CACHE_ENABLED``), it is called every time.
    """
    if not page_cache_enabled():
        return compute()
    return kept_until_next_change(fragment_key(user, name, vary_on), compute)
