"""« Suivi » on the pages préconisations come from: a contribution, a dossier, a meeting."""

from __future__ import annotations

from django import template
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from cms.audience import for_audience
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


def _rendered_followup(page, user) -> str:
    pdf_url = (
        reverse("followup:dossier_pdf", args=[page.pk]) if isinstance(page, DossierPage) else ""
    )
    context = {"items": list(items_of(page, user)), "page": page, "pdf_url": pdf_url}
    return render_to_string("followup/_page_followup.html", context)


@register.simple_tag(takes_context=True)
def followup_of(context, page) -> str:
    """The items of the page, rendered once per audience: which items show, and their
    statuses, depend on nothing but the pages the reader may see (cms.audience), and every
    change of an item purges the cache (cms.followup.signals)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return ""
    return for_audience(
        user, "page-followup", lambda: _rendered_followup(page, user), vary_on=(page.pk,)
    )
