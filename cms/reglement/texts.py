"""A règlement page's text in the stored form of a version (and as a ``diff.Text``)."""

from __future__ import annotations

from typing import Any

from cms.reglement.diff import Text


def article_items(page: Any) -> list[dict[str, str]]:
    """The page's articles as ``{"id", "title", "body"}``; ``body`` is the stored rich text."""
    items = []
    for block in page.articles:
        body = block.value["body"]
        items.append(
            {
                "id": block.id or "",
                "title": block.value["title"],
                "body": getattr(body, "source", str(body)),
            }
        )
    return items


def page_text(page: Any) -> Text:
    return Text.from_snapshot(page.intro, article_items(page))
