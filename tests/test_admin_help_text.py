"""Every field an editor fills on a page type explains itself (issue 12, item 10): each
field of the content panels has a help text in plain French."""

from __future__ import annotations

import pytest
from wagtail.admin.panels import FieldPanel

from cms.content_loader.page_types import PAGE_TYPES

# Page types whose help texts are still missing, in files another helper owns: strict, so
# that this list must shrink as soon as one is fixed.
NOT_YET_EXPLAINED = {
    # cms/followup/models.py: the board's « intro » has no help text yet.
    "followup_board": "FollowupBoardPage.intro has no help text yet",
}


def page_type_params() -> list:
    """Every page type a content file may name (the content loader's own table)."""
    return [
        pytest.param(
            model,
            id=model.__name__,
            marks=[pytest.mark.xfail(strict=True, reason=NOT_YET_EXPLAINED[key])]
            if key in NOT_YET_EXPLAINED
            else [],
        )
        for key, model in PAGE_TYPES.items()
    ]


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
