"""JSON endpoints; every one answers for the requester through cms.access."""

from __future__ import annotations

from django import forms
from django.core.paginator import EmptyPage, Paginator
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET
from wagtail.models import Page

from cms.access import can_view_page, visible_pages
from cms.dossiers.pages import ContributionPage, DossierPage

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


class ContributionsQuery(forms.Form):
    """The query string of /api/contributions/: parsed by a form, never by hand."""

    dossier = _positive("dossier", MAX_ID)
    page = _positive("page", 100_000)

    def first_error(self) -> str:
        return str(next(iter(self.errors.values()))[0])


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
        return JsonResponse({"error": query.first_error()}, status=400)
    dossier_id = query.cleaned_data["dossier"]
    page_number = query.cleaned_data["page"] or 1
    queryset = ContributionPage.objects.live()
    if dossier_id is not None:
        dossier = Page.objects.live().filter(pk=dossier_id).specific().first()
        if not isinstance(dossier, DossierPage) or not can_view_page(request.user, dossier):
            return JsonResponse({"error": "Dossier introuvable."}, status=404)
        queryset = queryset.child_of(dossier)
    queryset = visible_pages(request.user, queryset).prefetch_related("colleges")
    paginator = Paginator(queryset.order_by("-date", "pk"), PAGE_SIZE)
    try:
        page = paginator.page(page_number)
    except EmptyPage:
        return JsonResponse({"error": "Cette page de résultats n'existe pas."}, status=400)
    return JsonResponse(
        {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "results": [contribution_data(contribution) for contribution in page.object_list],
        }
    )
