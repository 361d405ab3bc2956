"""The editorial app's part of « Mon espace »: the person's proposals and publications."""

from __future__ import annotations

from django.http import HttpRequest

from cms.dossiers.queries import published_contributions_of
from cms.editorial.queries import proposals_of
from members.models import Member
from members.space.panels import template_panel


@template_panel("mes-contributions", "Mes contributions", 100, "editorial/my_space_panel.html")
def contributions_panel(request: HttpRequest, member: Member) -> dict:
    return {
        "proposals": proposals_of(request.user),
        "published": published_contributions_of(request.user, member),
    }
