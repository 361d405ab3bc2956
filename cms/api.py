"""JSON endpoints; every one answers for the requester through cms.access."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Paginator
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET
from wagtail.models import Page

from cms.access import can_view_page, visible_pages
from cms.models import ContributionPage, DossierPage

PAGE_SIZE = 20


class BadParameter(ValueError):
    pass


def positive_int(request: HttpRequest, name: str, default: int | None = None) -> int | None:
    value = request.GET.get(name)
    if value in (None, ""):
        return default
    if not value.isdigit() or int(value) < 1:
        raise BadParameter(f"Le paramètre « {name} » doit être un nombre entier positif.")
    return int(value)


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
    try:
        dossier_id = positive_int(request, "dossier")
        page_number = positive_int(request, "page", default=1)
    except BadParameter as error:
        return JsonResponse({"error": str(error)}, status=400)
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
