"""The search page and the JSON search endpoint, both answering for the requester."""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cms.followup.models import Status
from cms.models import ContributionPage
from members.models import College, Territory
from search.acl import reader_tokens
from search.contract import FACETS, SearchQuery
from search.forms import SearchForm
from search.service import Answer, run_search

PER_PAGE = 10
FACET_LABELS = {
    "college": "Collège",
    "theme": "Thème",
    "type": "Type",
    "territory": "Territoire",
    "year": "Année",
    "status": "État du suivi",
}
PAGE_TYPE_LABELS = {
    "conventionpage": "Convention",
    "reglementpage": "Règlement",
    "dossierindexpage": "Liste de dossiers",
    "dossierpage": "Dossier",
    "eventindexpage": "Rencontres",
    "eventpage": "Rencontre",
    "memberdirectorypage": "Annuaire",
    "document": "Pièce jointe",
    "followup": "Préconisation suivie",
}


class BadSearch(ValueError):
    pass


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
        raise BadSearch(form.first_error())
    data = form.cleaned_data
    return SearchParams(
        data["q"].strip(), form.filters(), data["sort"] or "relevance", data["page"] or 1
    )


def answer_for(request: HttpRequest, params: SearchParams) -> Answer:
    query = SearchQuery(
        text=params.text,
        reader_tokens=reader_tokens(request.user),
        filters=params.filters,
        sort=params.sort,
        page=params.page,
        per_page=PER_PAGE,
    )
    return run_search(query)


def value_labels() -> dict[str, dict[str, str]]:
    """Readable names for facet values that are identifiers."""
    types = {str(value): str(label) for value, label in ContributionPage.Type.choices}
    return {
        "college": dict(College.objects.values_list("slug", "name")),
        "territory": dict(Territory.objects.values_list("slug", "name")),
        "type": {**PAGE_TYPE_LABELS, **types},
        "status": {str(value): str(label) for value, label in Status.choices},
    }


def url_with(params: SearchParams, **changes) -> str:
    values = {"q": params.text, **params.filters, "sort": params.sort}
    values.update(changes)
    return "?" + urlencode({key: value for key, value in values.items() if value})


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    try:
        params = parse_params(request.GET)
    except BadSearch as error:
        return render(request, "search/search_page.html", {"error": str(error)}, status=400)
    answer = answer_for(request, params) if params.text or params.filters else None
    labels = value_labels()
    context: dict[str, object] = {"params": params, "answer": answer, "facet_labels": FACET_LABELS}
    if answer is not None:
        result = answer.result
        pages = max(1, math.ceil(result.count / PER_PAGE))
        context.update(
            {
                "hits": [
                    {
                        "hit": hit,
                        "type_label": labels["type"].get(hit.type, hit.type),
                        "colleges": [labels["college"].get(c, c) for c in hit.colleges],
                    }
                    for hit in result.hits
                ],
                "facets": [
                    {
                        "name": name,
                        "label": FACET_LABELS[name],
                        "active": params.filters.get(name, ""),
                        "remove_url": url_with(params, **{name: "", "page": ""}),
                        "values": [
                            {
                                "label": labels.get(name, {}).get(value.value, value.value),
                                "count": value.count,
                                "url": url_with(params, **{name: value.value, "page": ""}),
                                "selected": params.filters.get(name) == value.value,
                            }
                            for value in result.facets.get(name, [])
                        ],
                    }
                    for name in FACETS
                ],
                "page_count": pages,
                "previous_url": url_with(params, page=params.page - 1) if params.page > 1 else "",
                "next_url": url_with(params, page=params.page + 1) if params.page < pages else "",
                "suggestion_url": url_with(params, q=result.suggestion, page="")
                if result.suggestion
                else "",
            }
        )
    return render(request, "search/search_page.html", context)


@require_GET
def search_api(request: HttpRequest) -> JsonResponse:
    """GET /api/search/?q=…&college=…&theme=…&type=…&page=… for the logged-in user."""
    try:
        params = parse_params(request.GET)
    except BadSearch as error:
        return JsonResponse({"error": str(error)}, status=400)
    answer = answer_for(request, params)
    result = answer.result
    return JsonResponse(
        {
            "count": result.count,
            "results": [
                {
                    "title": hit.title,
                    "url": hit.url,
                    "snippet": hit.snippet,
                    "type": hit.type,
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
