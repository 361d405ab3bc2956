"""The editorial app's part of « Mon espace »: the person's proposals and publications."""

from __future__ import annotations

from django.http import HttpRequest
from wagtail import hooks

from cms.dossiers.queries import published_contributions_of
from cms.editorial.queries import proposals_of
from members.models import Member
from members.space.panels import MY_SPACE_PANELS_HOOK, SpacePanel, TemplatePanel


@hooks.register(MY_SPACE_PANELS_HOOK)
def add_contributions_panel(request: HttpRequest, member: Member, panels: list[SpacePanel]) -> None:
    panels.append(
        TemplatePanel(
            anchor="mes-contributions",
            heading="Mes contributions",
            order=100,
            template_name="editorial/my_space_panel.html",
            context={
                "proposals": proposals_of(request.user),
                "published": published_contributions_of(request.user, member),
            },
        )
    )
