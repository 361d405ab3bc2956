"""One function turns a published page into the search documents that stand for it."""

from __future__ import annotations

import datetime
import html
from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from wagtail.models import Page

from cms.followup.models import TrackedItem
from cms.models import ContributionPage, ConventionPage, DossierPage, EventPage, ReglementPage
from members.visibility import shown_name
from search.acl import page_acl
from search.contract import SearchDocument
from search.extract import extract_text


def html_to_text(markup: str) -> str:
    return html.unescape(strip_tags(str(markup).replace("</p>", "</p>\n"))).strip()


def _block_text(block) -> str:
    value = block.value
    kind = block.block_type
    if kind == "paragraph":
        return html_to_text(value.source)
    if kind == "heading":
        return value["text"]
    if kind == "preconisation":
        return f"{value['title']}. {value['description']}"
    if kind == "temoignage":
        return f"{value['text']} {value['author']}"
    if kind == "table":
        rows = (value or {}).get("data") or []
        return "\n".join(" ".join(str(cell or "") for cell in row) for row in rows)
    if kind == "document":
        return value["title"] or (value["document"].title if value["document"] else "")
    if kind == "image":
        return " ".join(part for part in (value["caption"], value["alt"]) if part)
    if kind == "article":
        return f"{value['title']}\n{html_to_text(value['body'].source)}"
    return html_to_text(value) if isinstance(value, str) else ""


def stream_text(stream) -> str:
    return "\n".join(text for text in (_block_text(block) for block in stream) if text)


def key_for_page(page_id: int) -> str:
    return f"page:{page_id}"


def key_for_attachment(page_id: int, document_id: int) -> str:
    return f"page:{page_id}:document:{document_id}"


def key_for_item(page_id: int, item_id: int) -> str:
    # Under its contribution's key: whatever re-indexes or removes the contribution (unpublished,
    # restricted, moved, deleted) re-indexes or removes its items with it (indexing.py).
    return f"page:{page_id}:item:{item_id}"


def item_documents(contribution: ContributionPage, common: dict) -> list[SearchDocument]:
    """The follow-up items of a contribution, seen by whoever may see the contribution.

    ``common`` holds the contribution's ACL, theme, territory and colleges: an item has no
    visibility of its own (the one access rule, through ``page_acl``).
    """
    items = TrackedItem.objects.filter(contribution=contribution, archived_at__isnull=True)
    documents = []
    for item in items.prefetch_related("entries").order_by("pk"):
        texts = [item.description, item.status_reason, *(e.text for e in item.entries.all())]
        documents.append(
            SearchDocument(
                key=key_for_item(contribution.pk, item.pk),
                kind="followup",
                title=item.title,
                url=reverse("followup:item", args=[item.pk]),
                summary=f"Préconisation {item.get_status_display().lower()}",
                body="\n".join(text for text in texts if text),
                type="followup",
                status=item.status,
                **{**common, "date": item.source_date},
            )
        )
    return documents


def attached_documents(page: Page) -> list:
    """Wagtail documents attached to a contribution or linked from its body, once each."""
    documents = {}
    if isinstance(page, ContributionPage):
        for attachment in page.attachments.select_related("document"):
            documents[attachment.document.pk] = attachment.document
        for block in page.body:
            if block.block_type == "document" and block.value["document"]:
                documents[block.value["document"].pk] = block.value["document"]
    return list(documents.values())


def _context(page: Page) -> tuple[str, str]:
    """The theme of the dossier and the territory of the convention the page belongs to."""
    dossier = DossierPage.objects.ancestor_of(page, inclusive=True).first()
    convention = (
        ConventionPage.objects.ancestor_of(page, inclusive=True).select_related("territory").first()
    )
    territory = convention.territory.slug if convention and convention.territory else ""
    return (dossier.theme if dossier else ""), territory


def _page_body(page: Page) -> tuple[str, str]:
    """Summary and body text of any page type."""
    summary = page.search_description or ""
    parts = []
    for name in ("intro", "preamble", "perimeter", "programme"):
        if getattr(page, name, None):
            parts.append(html_to_text(getattr(page, name)))
    for name in ("objectives", "articles", "body"):
        if getattr(page, name, None):
            parts.append(stream_text(getattr(page, name)))
    if isinstance(page, ContributionPage):
        summary = page.summary or summary
    return summary, "\n".join(parts)


def _page_date(page: Page) -> datetime.date | None:
    """The content's own date, shown in hits and used to sort them: never an import date.

    A contribution has the date of its work, a meeting its day (in the site's time zone),
    a règlement the day its version was adopted; any other page the day it was first
    published, which a later edit or a re-import of the same content does not move.
    """
    if isinstance(page, ContributionPage):
        return page.date
    if isinstance(page, EventPage):
        return timezone.localdate(page.start)
    if isinstance(page, ReglementPage) and page.adopted_on:
        return page.adopted_on
    published = page.first_published_at or page.last_published_at
    return timezone.localdate(published) if published else None


def page_documents(page: Page) -> list[SearchDocument]:
    """The search documents of a live page: itself and each file attached to it."""
    page = page.specific
    if not page.live or page.depth < 3:
        return []
    acl = page_acl(page)
    theme, territory = _context(page)
    summary, body = _page_body(page)
    is_contribution = isinstance(page, ContributionPage)
    colleges = tuple(college.slug for college in page.colleges.all()) if is_contribution else ()
    files = attached_documents(page)
    file_texts = {document.pk: extract_text(document.file) for document in files}
    common: dict[str, Any] = {
        "acl": acl,
        "theme": theme,
        "territory": territory,
        "colleges": colleges,
        "date": _page_date(page),
    }
    documents = [
        SearchDocument(
            key=key_for_page(page.pk),
            kind="contribution" if is_contribution else "page",
            title=page.title,
            url=page.url or "",
            summary=summary,
            body=body,
            attachments="\n".join(file_texts.values()),
            type=page.contribution_type if is_contribution else page._meta.model_name,
            authors=tuple(
                shown_name(member)
                for member in page.authors.select_related("user").prefetch_related(
                    "memberships__college"
                )
            )
            if is_contribution
            else (),
            **common,
        )
    ]
    for document in files:
        documents.append(
            SearchDocument(
                key=key_for_attachment(page.pk, document.pk),
                kind="document",
                title=document.title,
                url=document.url,
                summary=f"Pièce jointe de « {page.title} »",
                attachments=file_texts[document.pk],
                type="document",
                **common,
            )
        )
    if is_contribution:
        documents.extend(item_documents(page, common))
    return documents


def all_documents() -> Iterator[SearchDocument]:
    """Every search document of the site, page by page in tree order."""
    for page in Page.objects.live().filter(depth__gte=3).order_by("path").specific():
        yield from page_documents(page)


def count_pages() -> int:
    return Page.objects.live().filter(depth__gte=3).count()
