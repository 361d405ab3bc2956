"""What the follow-up tests (préconisations, their board, the restitution) share.

Their page tree is the common one of ``tests/pages.py`` with one dossier, « Dossier
numérique » (/c/d/numerique/), holding the contributions a module needs; ``board`` and
``item`` read back what the tree made.
"""

from __future__ import annotations

from typing import Any

from cms.followup.models import FollowupBoardPage, TrackedItem
from tests.pages import dossier, dossier_tree

BOARD = {"type": "followup_board", "slug": "suivi", "title": "Suivi des préconisations"}


def numerique_tree(
    *contributions: dict,
    beside: tuple[dict, ...] = (),
    convention: dict[str, Any] | None = None,
    other_pages: tuple[dict, ...] = (),
    **document: Any,
) -> dict:
    """The content document: convention « c » > « d » > « Dossier numérique » > contributions.

    ``beside``: other sections of the convention, after « d »; ``convention``: fields the
    convention page has besides the common ones (its title, its territory…);
    ``other_pages``: pages of the tree's top, after the convention; ``document``: the
    other lists of the file (territories, users…).
    """
    numerique = dossier("numerique", "Dossier numérique", "Fracture numérique", *contributions)
    tree = dossier_tree(numerique, beside=beside, **document)
    tree["pages"][0].update(convention or {})
    tree["pages"] += other_pages
    return tree


def board() -> FollowupBoardPage:
    return FollowupBoardPage.objects.get(slug="suivi")


def item(title: str) -> TrackedItem:
    return TrackedItem.objects.get(title=title)
