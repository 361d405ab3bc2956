"""The page tree most tests load: convention « c » > dossiers « d » > dossiers > contributions.

A test module states only what its test needs (which contributions, seen by whom) and
``dossier_tree`` places them, so that the tree is not typed again in every module:

    TREE = dossier_tree(open_dossier(PUBLIC, PA_ONLY), FORMATION_DOSSIER)
"""

from __future__ import annotations

from typing import Any

PA_COLLEGE = {"colleges": ["personnes-accompagnees"]}
FORMATION_COLLEGE = {"colleges": ["acteurs-formation"]}


def contribution(slug: str, title: str, date: str, **fields: Any) -> dict:
    return {"type": "contribution", "slug": slug, "title": title, "date": date, **fields}


def pa_contribution(slug: str, title: str, date: str, **fields: Any) -> dict:
    """A contribution of the « personnes accompagnées » college that only this college sees."""
    return contribution(
        slug, title, date, colleges=["personnes-accompagnees"], visibility=PA_COLLEGE, **fields
    )


def dossier(slug: str, title: str, theme: str, *children: dict, **fields: Any) -> dict:
    entry = {"type": "dossier", "slug": slug, "title": title, "theme": theme, **fields}
    if children:
        entry["children"] = list(children)
    return entry


def open_dossier(*contributions: dict, **fields: Any) -> dict:
    """« Dossier ouvert » (/c/d/ouvert/), seen by everyone unless ``fields`` say otherwise."""
    return dossier("ouvert", "Dossier ouvert", "Éthique", *contributions, **fields)


def formation_dossier(*contributions: dict, title: str = "Dossier formation") -> dict:
    """/c/d/ferme/, which only the « acteurs de la formation » college sees."""
    return dossier("ferme", title, "Jeunesse", *contributions, visibility=FORMATION_COLLEGE)


def dossier_tree(
    *dossiers: dict, beside: tuple[dict, ...] = (), convention: str = "c", **document: Any
) -> dict:
    """A content document whose pages are the convention « c » and its dossiers « d ».

    ``beside``: other sections of the convention, after « d »; ``convention``: its slug,
    for a module whose other data already has a « c »; ``document``: the other lists of
    the file (colleges, users…).
    """
    index = {"type": "dossier_index", "slug": "d", "title": "Dossiers", "children": list(dossiers)}
    return convention_document(index, *beside, convention=convention, **document)


def convention_document(*children: dict, convention: str = "c", **document: Any) -> dict:
    """A content document whose only page is the convention « c » with these ``children``."""
    page = {"type": "convention", "slug": convention, "title": "Convention", "children": []}
    return {**document, "pages": [{**page, "children": list(children)}]}


def articles(*rows: tuple[str, str, str]) -> list[dict]:
    """Articles of a règlement from (key, title, body) rows."""
    return [{"key": key, "title": title, "body": body} for key, title, body in rows]


def reglement_version(version: str, adopted_on: str, text: list[dict], **fields: Any) -> dict:
    """An earlier version of the règlement: its number, adoption date and articles."""
    return {"version": version, "adopted_on": adopted_on, "articles": text, **fields}


def reglement(current: dict, *earlier: dict, **fields: Any) -> dict:
    """The règlement page « reglement »: the version in force, then the earlier ones."""
    page = {"type": "reglement", "slug": "reglement", "title": "Règlement", **fields}
    return {**page, **current, "versions": list(earlier)}


def shown(content: str, *texts: str) -> set[str]:
    """Which of `texts` a page shows: one assertion then checks the shown and the hidden."""
    return {text for text in texts if text in content}


PUBLIC = contribution("pub", "Contribution publique", "2021-01-01")
PA_ONLY = contribution("pa", "Contribution réservée PA", "2021-01-03", visibility=PA_COLLEGE)
FORMATION_DOSSIER = formation_dossier()
