"""Every field an editor fills on a page type explains itself (issue 12, item 10): each
field of the content panels has a help text in plain French."""

from __future__ import annotations

import pytest
from wagtail.admin.panels import FieldPanel

from cms.content_loader.page_types import PAGE_TYPES


def page_type_params() -> list:
    """Every page type a content file may name (the content loader's own table)."""
    return [pytest.param(model, id=model.__name__) for model in PAGE_TYPES.values()]


def field_names(panels) -> list[str]:
    names = []
    for panel in panels:
        if isinstance(panel, FieldPanel):
            names.append(panel.field_name)
        names.extend(field_names(getattr(panel, "children", ())))
    return names


@pytest.mark.parametrize("page_type", page_type_params())
def test_every_field_of_the_page_type_has_a_help_text(page_type):
    names = field_names(page_type.content_panels)
    assert names, page_type
    missing = [name for name in names if not page_type._meta.get_field(name).help_text]
    assert missing == []
