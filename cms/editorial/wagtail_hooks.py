"""The editorial app's part of « Mon espace »: the person's proposals and publications."""

from __future__ import annotations

from django.http import HttpRequest

from cms.dossiers.queries import published_contributions_of
from cms.editorial.home_section import my_proposals, to_review
from cms.editorial.queries import proposals_of
from members.models import Member
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
