"""JSON endpoints; every one answers for the requester through cms.access."""

from __future__ import annotations

from django import forms
from django.core.paginator import EmptyPage, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from wagtail.models import Page

from cms.access import can_view_page, visible_pages
from cms.dossiers.pages import ContributionPage, DossierPage
from cms.followup.access import can_view_item, visible_items
from cms.followup.board import SORTS, scope
from cms.followup.models import FollowupBoardPage, Status, TrackedItem
from cms.followup.views import timeline_rows

PAGE_SIZE = 20


MAX_ID = 2**63 - 1  # past this, SQLite and PostgreSQL refuse the number itself


def _positive(name: str, maximum: int) -> forms.IntegerField:
    message = f"Le paramètre « {name} » doit être un nombre entier positif."
    return forms.IntegerField(
        required=False,
        min_value=1,
        max_value=maximum,
        error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), message),
    )


def _one_of(name: str, choices) -> forms.ChoiceField:
    values = ", ".join(value for value, _label in choices)
    message = f"Le paramètre « {name} » doit valoir l'une de ces valeurs : {values}."
    return forms.ChoiceField(
        required=False, choices=choices, error_messages={"invalid_choice": message}
    )


class QueryForm(forms.Form):
    """A query string parsed by a form, never by hand; its first error is the answer."""

    page = _positive("page", 100_000)

    def first_error(self) -> str:
        return str(next(iter(self.errors.values()))[0])


class ContributionsQuery(QueryForm):
    """The query string of /api/contributions/."""

    dossier = _positive("dossier", MAX_ID)


class PreconisationsQuery(QueryForm):
    """The query string of /api/preconisations/."""

    tableau = _positive("tableau", MAX_ID)
    dossier = _positive("dossier", MAX_ID)
    etat = _one_of("etat", Status.choices)
    tri = _one_of("tri", [(key, label) for key, (label, _order) in SORTS.items()])


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _paginated(queryset, page_number: int, to_data) -> JsonResponse:
    """One page of results, or a 400 for a page past the last."""
    paginator = Paginator(queryset, PAGE_SIZE)
    try:
        page = paginator.page(page_number)
    except EmptyPage:
        return _error("Cette page de résultats n'existe pas.", 400)
    return JsonResponse(
        {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "results": [to_data(obj) for obj in page.object_list],
        }
    )


def _visible_dossier(user, dossier_id: int) -> DossierPage | None:
    dossier = Page.objects.live().filter(pk=dossier_id).specific().first()
    if not isinstance(dossier, DossierPage) or not can_view_page(user, dossier):
        return None
    return dossier


def contribution_data(contribution: ContributionPage) -> dict:
    return {
        "title": contribution.title,
        "url": contribution.url,
        "date": contribution.date.isoformat(),
        "type": contribution.contribution_type,
        "colleges": [college.slug for college in contribution.colleges.all()],
        "summary": contribution.summary,
    }


@require_GET
def contributions(request: HttpRequest) -> JsonResponse:
    """GET /api/contributions/?dossier=<id>&page=<n>: contributions the requester may see."""
    query = ContributionsQuery(request.GET)
    if not query.is_valid():
        return _error(query.first_error(), 400)
    dossier_id = query.cleaned_data["dossier"]
    queryset = ContributionPage.objects.live()
    if dossier_id is not None:
        dossier = _visible_dossier(request.user, dossier_id)
        if dossier is None:
            return _error("Dossier introuvable.", 404)
        queryset = queryset.child_of(dossier)
    queryset = visible_pages(request.user, queryset).prefetch_related("colleges")
    page_number = query.cleaned_data["page"] or 1
    return _paginated(queryset.order_by("-date", "pk"), page_number, contribution_data)


# --- préconisations and their follow-up ---------------------------------------


def _day(value) -> str | None:
    return value.isoformat() if value else None


def preconisation_data(item: TrackedItem) -> dict:
    contribution = item.contribution
    return {
        "id": item.pk,
        "title": item.title,
        "description": item.description,
        "url": reverse("followup:item", args=[item.pk]),
        "status": item.status,
        "status_label": item.get_status_display(),
        "reason": item.status_reason,
        "progress": item.progress,
        "target_date": _day(item.target_date),
        "theme": item.theme,
        "dossier": item.dossier.title if item.dossier else "",
        "contribution": {
            "title": contribution.title,
            "url": contribution.url,
            "date": item.source_date.isoformat(),
        },
        "colleges": [college.slug for college in item.colleges.all()],
        "carrier_organisations": [org.slug for org in item.carrier_organisations.all()],
        "updated_at": item.updated_at.isoformat(),
        "archived": item.is_archived,
    }


def _listed(items: QuerySet, sort: str) -> QuerySet:
    return (
        items.select_related("contribution", "dossier")
        .prefetch_related("colleges", "carrier_organisations")
        .order_by(*SORTS[sort][1])
    )


@require_GET
def preconisations(request: HttpRequest) -> JsonResponse:
    """GET /api/preconisations/?tableau=&dossier=&etat=&tri=&page=: the visible items.

    Current items only (an archived one is still read at its own address), through the
    one access rule: an item is seen by whoever may see its source contribution.
    """
    query = PreconisationsQuery(request.GET)
    if not query.is_valid():
        return _error(query.first_error(), 400)
    data = query.cleaned_data
    items = TrackedItem.objects.all()
    if data["tableau"] is not None:
        board = FollowupBoardPage.objects.live().filter(pk=data["tableau"]).first()
        if board is None or not can_view_page(request.user, board):
            return _error("Tableau de suivi introuvable.", 404)
        items = scope(board)
    items = items.filter(archived_at__isnull=True)
    if data["dossier"] is not None:
        dossier = _visible_dossier(request.user, data["dossier"])
        if dossier is None:
            return _error("Dossier introuvable.", 404)
        items = items.filter(dossier=dossier)
    if data["etat"]:
        items = items.filter(status=data["etat"])
    items = _listed(visible_items(request.user, items), data["tri"] or "recent")
    return _paginated(items, data["page"] or 1, preconisation_data)


def _step_data(row: dict) -> dict:
    """A timeline step; its evidence only where the reader may open it (``timeline_rows``)."""
    entry = row["entry"]
    evidence = None
    if row["page"] is not None:
        evidence = {"title": row["page"].title, "url": row["page"].url}
    elif row["document"] is not None:
        evidence = {"title": row["document"].title, "url": row["document"].url}
    return {
        "date": entry.date.isoformat(),
        "author": row["author"],
        "text": entry.text,
        "changes": [
            {key: change.get(key, "") for key in ("field", "label", "before", "after")}
            for change in entry.changes
        ],
        "evidence": evidence,
    }


@require_GET
def preconisation(request: HttpRequest, item_id: int) -> JsonResponse:
    """GET /api/preconisations/<id>/: one item and its timeline, if the reader may see it."""
    item = TrackedItem.objects.select_related("contribution", "dossier").filter(pk=item_id).first()
    if item is None or not can_view_item(request.user, item):
        return _error("Préconisation introuvable.", 404)
    data = preconisation_data(item)
    data["timeline"] = [_step_data(row) for row in timeline_rows(request.user, item)]
    return JsonResponse(data)
