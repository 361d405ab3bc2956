"""The editorial app's part of « Mon espace » and of the member's home (proposals and
publications), and of the admin: closed proposals kept out of the dossiers' listings."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import path
from wagtail import hooks
from wagtail.models import Page

from cms.dossiers.queries import published_contributions_of
from cms.editorial.admin_views import ClosedProposalsView, closed_page_ids
from cms.editorial.home_section import my_proposals, to_review
from cms.editorial.queries import proposals_of
from members.admin_menu import restricted_menu_item
from members.models import Member
from members.permissions import is_coordination
from members.space.home_sections import SectionContent, home_section
from members.space.panels import template_panel


@template_panel("mes-contributions", "Mes contributions", 100, "editorial/my_space_panel.html")
def contributions_panel(request: HttpRequest, member: Member) -> dict:
    return {
        "proposals": proposals_of(request.user),
        "published": published_contributions_of(request.user, member),
    }


@home_section("a-relire", "À relire", 300)
def to_review_section(request: HttpRequest, member: Member) -> SectionContent | None:
    """The member's home page: what waits for their review (referents and coordination)."""
    return to_review(request)


@home_section("mes-propositions", "Mes propositions", 400)
def my_proposals_section(request: HttpRequest, member: Member) -> SectionContent:
    """The member's home page: their proposals and where each one stands."""
    return my_proposals(request)


@hooks.register("construct_explorer_page_queryset")
def hide_closed_proposals(parent_page: Page, pages: QuerySet, request: HttpRequest) -> QuerySet:
    """Withdrawn and refused proposals do not pile up among a dossier's pages: they are
    listed in « Propositions retirées ou refusées » instead."""
    return pages.exclude(pk__in=closed_page_ids())


@hooks.register("register_admin_urls")
def register_closed_proposals_url() -> list:
    return [
        path(
            "propositions/closes/",
            ClosedProposalsView.as_view(),
            name="editorial_closed_proposals",
        )
    ]


restricted_menu_item(
    "Propositions retirées ou refusées",
    "editorial_closed_proposals",
    icon="folder-inverse",
    order=10100,
    shown_to=is_coordination,
)
