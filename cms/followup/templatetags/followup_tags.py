"""« Suivi » on the pages préconisations come from: a contribution, a dossier, a meeting."""

from __future__ import annotations

from django import template
from django.db.models import Q
from django.urls import reverse

from cms.followup.access import visible_items
from cms.followup.models import TrackedItem
from cms.models import ContributionPage, DossierPage, EventPage

register = template.Library()


def items_of(page, user):
    """The visible, not archived items that come from this page, or cite it as evidence."""
    items = TrackedItem.objects.filter(archived_at__isnull=True)
    if isinstance(page, ContributionPage):
        items = items.filter(contribution=page)
    elif isinstance(page, DossierPage):
        items = items.filter(dossier=page)
    elif isinstance(page, EventPage):
        items = items.filter(Q(contribution__meeting=page) | Q(entries__evidence_page=page))
    else:
        return TrackedItem.objects.none()
    return visible_items(user, items).distinct().order_by("-source_date", "pk")


@register.inclusion_tag("followup/_page_followup.html", takes_context=True)
def followup_of(context, page) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {"items": []}
    items = list(items_of(page, user))
    pdf_url = (
        reverse("followup:dossier_pdf", args=[page.pk]) if isinstance(page, DossierPage) else ""
    )
    return {"items": items, "page": page, "pdf_url": pdf_url}
