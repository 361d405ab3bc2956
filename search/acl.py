"""Search ACL tokens: a document's tokens from its page, a reader's tokens from their groups.

A document carries ``r:<id>`` for each view restriction on its page and the page's
ancestors (``public`` when there is none); a reader holds ``public`` and ``r:<id>`` for
each restriction that admits them, decided by ``cms.access`` exactly as Wagtail serves
pages. The store shows a document when the reader holds all its tokens.
"""

from __future__ import annotations

from wagtail.models import Page

from cms.access import admitted_restriction_ids
from search.contract import PUBLIC_TOKEN


def restriction_token(restriction_id: int) -> str:
    return f"r:{restriction_id}"


def page_acl(page: Page) -> tuple[str, ...]:
    restrictions = page.get_view_restrictions()
    if not restrictions:
        return (PUBLIC_TOKEN,)
    return tuple(sorted(restriction_token(restriction.pk) for restriction in restrictions))


def reader_tokens(user) -> frozenset[str]:
    return frozenset(
        {PUBLIC_TOKEN, *(restriction_token(pk) for pk in admitted_restriction_ids(user))}
    )
