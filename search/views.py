"""The search page and the JSON search endpoint, both answering for the requester."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cms.followup.models import Status
from members.models import College, Territory
from search.acl import reader_tokens
from search.contract import FACETS, SearchQuery, SearchResult, StoreUnavailable
from search.forms import FACET_LABELS, SearchForm
from search.labels import type_label, type_labels
from search.service import Answer, run_search

logger = logging.getLogger(__name__)

PER_PAGE = 10
UNAVAILABLE_MESSAGE = (
    "La recherche ne répond pas pour le moment. Vos mots sont gardés dans le champ : "
    "relancez la recherche dans quelques minutes."
)


class BadSearch(ValueError):
    """A refused query string: the message for the API, the one for the search page, and
    what of the query can be shown again (the typed words, the valid filters and sort)."""

    def __init__(self, message: str, for_readers: str, kept: SearchParams) -> None:
        super().__init__(message)
        self.for_readers = for_readers
        self.kept = kept


@dataclass
class SearchParams:
    text: str
    filters: dict[str, str]
    sort: str
    page: int


def parse_params(params) -> SearchParams:
    """Read and check the query string; a bad value raises BadSearch with a French message."""
    form = SearchForm(params)
    if not form.is_valid():
        valid = form.cleaned_data  # the fields that passed their checks
        kept = SearchParams(
            form.typed_text(),
            {name: valid[name] for name in FACETS if valid.get(name)},
            valid.get("sort") or "relevance",
            1,
        )
        raise BadSearch(form.first_error(), form.first_error_for_readers(), kept)
    data = form.cleaned_data
    return SearchParams(
        data["q"].strip(), form.filters(), data["sort"] or "relevance", data["page"] or 1
    )


def answer_for(request: HttpRequest, params: SearchParams) -> Answer:
    """The answer for the requester; SearchUnavailable when no store could answer."""
    query = SearchQuery(
        text=params.text,
        reader_tokens=reader_tokens(request.user),
        filters=params.filters,
        sort=params.sort,
        page=params.page,
        per_page=PER_PAGE,
    )
    try:
        # A savepoint: on PostgreSQL a failed statement would spoil the rest of the request.
        with transaction.atomic():
            return run_search(query)
    except (DatabaseError, StoreUnavailable) as error:
        logger.exception("No search store could answer")
        raise SearchUnavailable from error


class SearchUnavailable(Exception):
    """Neither Elasticsearch nor the database store answered."""


def value_labels() -> dict[str, dict[str, str]]:
    """Readable names for facet values that are identifiers."""
    return {
        "college": dict(College.objects.values_list("slug", "name")),
        "territory": dict(Territory.objects.values_list("slug", "name")),
        "type": type_labels(),
        "status": {str(value): str(label) for value, label in Status.choices},
    }


def label_of(labels: dict[str, dict[str, str]], facet: str, value: str) -> str:
    if facet == "type":
        return type_label(value, labels["type"])
    return labels.get(facet, {}).get(value, value)


def url_with(params: SearchParams, **changes) -> str:
    values = {"q": params.text, **params.filters, "sort": params.sort}
    values.update(changes)
    return "?" + urlencode({key: value for key, value in values.items() if value})


def facet_blocks(params: SearchParams, result: SearchResult, labels) -> list[dict]:
    """The « Affiner » blocks: each facet's values, and an active filter even when no
    result carries it any more (so that it can be taken off)."""
    blocks = []
    for name in FACETS:
        active = params.filters.get(name, "")
        values = [
            {
                "label": label_of(labels, name, value.value),
                "count": value.count,
                "url": url_with(params, **{name: value.value, "page": ""}),
                "selected": active == value.value,
            }
            for value in result.facets.get(name, [])
        ]
        if active and not any(value["selected"] for value in values):
            values.insert(
                0, {"label": label_of(labels, name, active), "count": None, "selected": True}
            )
        blocks.append(
            {
                "name": name,
                "label": FACET_LABELS[name],
                "active": active,
                "remove_url": url_with(params, **{name: "", "page": ""}),
                "values": values,
            }
        )
    return blocks


def results_context(params: SearchParams, result: SearchResult) -> dict[str, object]:
    labels = value_labels()
    pages = max(1, math.ceil(result.count / PER_PAGE))
    facets = facet_blocks(params, result, labels)
    return {
        "hits": [
            {
                "hit": hit,
                "type_label": type_label(hit.type, labels["type"]),
                "colleges": [labels["college"].get(c, c) for c in hit.colleges],
            }
            for hit in result.hits
        ],
        "facets": facets,
        # No « Affiner » heading over nothing: the block shows when it has a value to offer.
        "has_facets": any(facet["values"] for facet in facets),
        # Beside « no result »: each active filter with its own link to take it off (the
        # « Affiner » block is folded on a small screen).
        "active_filters": [
            {**facet, "value": facet["values"][0]["label"]}
            for facet in facets
            if facet["active"] and facet["values"] and facet["values"][0]["selected"]
        ],
        "page_count": pages,
        "previous_url": url_with(params, page=params.page - 1) if params.page > 1 else "",
        "next_url": url_with(params, page=params.page + 1) if params.page < pages else "",
        "suggestion_url": url_with(params, q=result.suggestion, page="")
        if result.suggestion
        else "",
    }


def _page(request: HttpRequest, context: dict[str, object], status: int = 200) -> HttpResponse:
    return render(
        request, "search/search_page.html", {"facet_labels": FACET_LABELS, **context}, status=status
    )


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    try:
        params = parse_params(request.GET)
    except BadSearch as error:
        kept = error.kept
        retry_url = url_with(kept) if kept.text or kept.filters else ""
        return _page(
            request,
            {"params": kept, "error": error.for_readers, "retry_url": retry_url},
            status=400,
        )
    context: dict[str, object] = {"params": params, "answer": None}
    if params.text or params.filters:
        try:
            answer = answer_for(request, params)
        except SearchUnavailable:
            return _page(request, {**context, "error": UNAVAILABLE_MESSAGE}, status=503)
        context.update({"answer": answer, **results_context(params, answer.result)})
    return _page(request, context)


@require_GET
def search_api(request: HttpRequest) -> JsonResponse:
    """GET /api/search/?q=…&college=…&theme=…&type=…&page=… for the logged-in user.

    A result's ``type`` is the identifier to filter with, its ``type_label`` what to show."""
    try:
        params = parse_params(request.GET)
    except BadSearch as error:
        return JsonResponse({"error": str(error)}, status=400)
    try:
        answer = answer_for(request, params)
    except SearchUnavailable:
        return JsonResponse({"error": UNAVAILABLE_MESSAGE}, status=503)
    result = answer.result
    labels = type_labels()
    return JsonResponse(
        {
            "count": result.count,
            "results": [
                {
                    "title": hit.title,
                    "url": hit.url,
                    "snippet": hit.snippet,
                    "type": hit.type,
                    "type_label": type_label(hit.type, labels),
                    "colleges": list(hit.colleges),
                    "theme": hit.theme,
                    "date": hit.date.isoformat() if hit.date else None,
                    "score": hit.score,
                }
                for hit in result.hits
            ],
            "facets": {
                name: [{"value": v.value, "count": v.count} for v in values]
                for name, values in result.facets.items()
            },
            "store": result.store,
            "suggestion": result.suggestion,
            "notice": answer.notice,
        }
    )
