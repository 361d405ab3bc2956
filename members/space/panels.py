"""The panels of « Mon espace », which the features above ``members`` hand in through a hook.

``members`` sits below the features and imports none of them. A feature that has
something to show a person on their space registers a function for the hook named
``MY_SPACE_PANELS_HOOK`` in its ``wagtail_hooks.py``, as Wagtail's dashboard gathers its
panels with ``construct_homepage_panels``::

    @hooks.register(MY_SPACE_PANELS_HOOK)
    def add_my_panel(request, member, panels):
        panels.append(TemplatePanel("mes-trucs", "Mes trucs", 250, "app/panel.html", {...}))

The function receives the request, the person's ``Member`` and the list of panels so far;
it appends its own (or none). The space shows them by ``order``, between the member's
colleges and their profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from wagtail import hooks

from members.models import Member

MY_SPACE_PANELS_HOOK = "construct_my_space_panels"


class SpacePanel(Protocol):
    """One section of the space: its anchor (the ``id`` of its heading), heading and rank."""

    # Read-only properties, so that a frozen dataclass is a panel.
    @property
    def anchor(self) -> str: ...
    @property
    def heading(self) -> str: ...
    @property
    def order(self) -> int: ...

    def render_html(self, request: HttpRequest) -> SafeString:
        """The section's content, under its heading."""
        ...


@dataclass(frozen=True)
class TemplatePanel:
    """A panel drawn by a template from a context the feature computed (most panels)."""

    anchor: str
    heading: str
    order: int
    template_name: str
    context: Mapping[str, Any] = field(default_factory=dict)

    def render_html(self, request: HttpRequest) -> SafeString:
        return render_to_string(self.template_name, dict(self.context), request=request)


def space_panels(request: HttpRequest, member: Member) -> list[SpacePanel]:
    """The panels every registered feature hands in for this person, lowest ``order`` first."""
    panels: list[SpacePanel] = []
    for construct in hooks.get_hooks(MY_SPACE_PANELS_HOOK):
        construct(request, member, panels)
    return sorted(panels, key=lambda panel: panel.order)
