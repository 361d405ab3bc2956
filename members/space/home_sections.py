"""The sections of a member's home page, which the features hand in through a hook.

After login the home page (``cms.models.home``) shows the person what is theirs: their
next meetings, what is new in the dossiers they follow, their proposals, and what waits
for their review. ``members`` and the core of ``cms`` import no feature: as for the panels
of « Mon espace » (``members.space.panels``), each feature registers a function for the
hook named ``MEMBER_HOME_SECTIONS_HOOK`` in its ``wagtail_hooks.py``, most simply with
``home_section``::

    @home_section("mes-trucs", "Mes trucs", 250)
    def my_things(request, member):
        return SectionContent(
            items=[HomeItem("Un truc", "/trucs/1/")],
            more_url="/trucs/",
            empty=EmptyState("Vous n'avez aucun truc.", "Créer un truc", "/trucs/nouveau/"),
        )

The function returns the section's content for this person, or None when the section is
not for them (« À relire » for a member who reviews nothing). It lists only what the
person may see (``cms.access``), at most ``SECTION_LENGTH`` items, in a number of
queries that does not grow with the rows. Every section looks the same (one template):
its heading, a short list, a « Tout voir » link to the full page, or a friendly empty
state that says what to do next.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from wagtail import hooks

from members.models import Member
from members.space.panels import SpacePanel, panels_from_hook

MEMBER_HOME_SECTIONS_HOOK = "construct_member_home_sections"
# Items a section lists; the full list is one « Tout voir » away.
SECTION_LENGTH = 5
SECTION_TEMPLATE = "members/space/home_section.html"


@dataclass(frozen=True)
class HomeItem:
    """One line of a section: a title and its link, then what to know about it."""

    title: str
    url: str
    # A short line under the title (a dossier's name, a meeting's place).
    meta: str = ""
    # When: shown as a date (with the hour for a datetime) in a <time>.
    when: datetime.date | None = None
    # A state in words (« Inscrit·e », « Refusée »), and a code the style sheet colours.
    status: str = ""
    status_code: str = ""

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, datetime.datetime)


@dataclass(frozen=True)
class EmptyState:
    """What a section says when it has nothing to list, and the next step."""

    text: str
    action: str = ""
    action_url: str = ""


@dataclass(frozen=True)
class SectionContent:
    """What a feature hands in for one person: items (at most ``SECTION_LENGTH`` shown)."""

    items: Sequence[HomeItem]
    more_url: str
    empty: EmptyState
    more_label: str = "Tout voir"


@dataclass(frozen=True)
class HomeSection:
    """A section of the member's home page; a ``SpacePanel``, drawn by one template."""

    anchor: str
    heading: str
    order: int
    content: SectionContent
    items: tuple[HomeItem, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.content.items[:SECTION_LENGTH]))

    def render_html(self, request: HttpRequest) -> SafeString:
        context = {"section": self, "items": self.items, "content": self.content}
        return render_to_string(SECTION_TEMPLATE, context, request=request)


SectionOf = Callable[[HttpRequest, Member], SectionContent | None]


def home_section(anchor: str, heading: str, order: int) -> Callable[[SectionOf], SectionOf]:
    """Registers the decorated function, which returns a section's content for a request
    and a member (or None: not for this person), as a section of the member's home."""

    def register(content_of: SectionOf) -> SectionOf:
        def add_section(request: HttpRequest, member: Member, sections: list[SpacePanel]) -> None:
            content = content_of(request, member)
            if content is not None:
                sections.append(HomeSection(anchor, heading, order, content))

        hooks.register(MEMBER_HOME_SECTIONS_HOOK, add_section)
        return content_of

    return register


def member_home_sections(request: HttpRequest, member: Member) -> list[SpacePanel]:
    """The sections the features hand in for this person, lowest ``order`` first."""
    return panels_from_hook(MEMBER_HOME_SECTIONS_HOOK, request, member)
