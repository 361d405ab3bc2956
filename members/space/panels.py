"""The panels of « Mon espace », which the features above ``members`` hand in through a hook.

``members`` sits below the features and imports none of them. A feature that has
something to show a person on their space registers a function for the hook named
``MY_SPACE_PANELS_HOOK`` in its ``wagtail_hooks.py``, as Wagtail's dashboard gathers its
panels with ``construct_homepage_panels``::

    @hooks.register(MY_SPACE_PANELS_HOOK)
    def add_my_panel(request, member, panels):
        panels.append(TemplatePanel("mes-trucs", "Mes trucs", 250, "app/panel.html", {...}))

The function receives the request, the person's ``Member`` and the list of panels so far;
it appends its own (or none). A panel drawn by a template, always shown, is registered
with ``template_panel``, which only asks for its context::

    @template_panel("mes-trucs", "Mes trucs", 250, "app/panel.html")
    def my_panel_context(request, member):
        return {...}

The space shows the panels by ``order``, between the member's colleges and their profile.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


PanelContext = Callable[[HttpRequest, Member], Mapping[str, Any]]


def template_panel(
    anchor: str, heading: str, order: int, template_name: str
) -> Callable[[PanelContext], PanelContext]:
    """Registers the decorated function, which returns a panel's context for a request and
    a member, as a ``TemplatePanel`` of every person's space."""

    def register(context_of: PanelContext) -> PanelContext:
        def add_panel(request: HttpRequest, member: Member, panels: list[SpacePanel]) -> None:
            context = context_of(request, member)
            panels.append(TemplatePanel(anchor, heading, order, template_name, context))

        hooks.register(MY_SPACE_PANELS_HOOK, add_panel)
        return context_of

    return register


def panels_from_hook(hook_name: str, request: HttpRequest, member: Member) -> list[SpacePanel]:
    """The panels every function registered for this hook hands in, lowest ``order`` first.

    « Mon espace » gathers ``MY_SPACE_PANELS_HOOK``; the member's home page gathers its
    sections the same way (``members.space.home_sections``).
    """
    panels: list[SpacePanel] = []
    for construct in hooks.get_hooks(hook_name):
        construct(request, member, panels)
    return sorted(panels, key=lambda panel: panel.order)


def space_panels(request: HttpRequest, member: Member) -> list[SpacePanel]:
    """The panels every registered feature hands in for this person, lowest ``order`` first."""
    return panels_from_hook(MY_SPACE_PANELS_HOOK, request, member)
