"""Every field an editor fills on a page type explains itself (issue 12, item 10): each
field of the content panels has a help text in plain French."""

from __future__ import annotations

import pytest
from wagtail.admin.panels import FieldPanel

from cms.dossiers.pages import ContributionPage, DossierIndexPage, DossierPage
from cms.meetings.pages import EventIndexPage, EventPage
from cms.models.convention import ConventionPage
from cms.models.directory import MemberDirectoryPage
from cms.models.standard import StandardPage
from cms.reglement.pages import ReglementPage

PAGE_TYPES = [
    ContributionPage,
    ConventionPage,
    DossierIndexPage,
    DossierPage,
    EventIndexPage,
    EventPage,
    MemberDirectoryPage,
    ReglementPage,
    StandardPage,
]


def field_names(panels) -> list[str]:
    names = []
    for panel in panels:
        if isinstance(panel, FieldPanel):
            names.append(panel.field_name)
        names.extend(field_names(getattr(panel, "children", ())))
    return names


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=lambda model: model.__name__)
def test_every_field_of_the_page_type_has_a_help_text(page_type):
    names = field_names(page_type.content_panels)
    assert names, page_type
    missing = [name for name in names if not page_type._meta.get_field(name).help_text]
    assert missing == []
