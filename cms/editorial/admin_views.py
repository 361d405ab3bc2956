"""« Propositions retirées ou refusées » in the admin: the proposals the explorer no longer
lists among a dossier's pages (``wagtail_hooks.hide_closed_proposals``), for coordination.

They are unpublished drafts that will not be published: hidden from the dossiers' listings
so that they do not pile up there, they stay one click away here, with who proposed them,
how they were closed and a link to their page in the admin.
"""

from __future__ import annotations

from django.db.models import QuerySet
from wagtail.models import Page

from cms.editorial.models import CLOSED, Proposal
from cms.member_home import parent_path, parent_titles
from cms.models.base import admin_visible_pages
from members.admin_screens import RestrictedAdminScreen


def closed_proposals(user) -> QuerySet[Proposal]:
    """Withdrawn and refused proposals whose page this user may see in the admin."""
    visible = admin_visible_pages(user, Page.objects.all()).values("pk")
    return (
        Proposal.objects.filter(closed_as__in=CLOSED, page__in=visible)
        .select_related("page", "proposer__member")
        .order_by("-closed_at", "-pk")
    )


def closed_page_ids() -> QuerySet:
    return Proposal.objects.filter(closed_as__in=CLOSED).values("page_id")


class ClosedProposalsView(RestrictedAdminScreen):
    """For coordination only (``RestrictedAdminScreen``): referents get the 403 page."""

    template_name = "editorial/admin/closed_proposals.html"
    page_title = "Propositions retirées ou refusées"
    header_icon = "folder-inverse"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        proposals = list(closed_proposals(self.request.user))
        dossiers = parent_titles(proposal.page for proposal in proposals)
        context["rows"] = [
            (proposal, dossiers.get(parent_path(proposal.page), "")) for proposal in proposals
        ]
        return context
