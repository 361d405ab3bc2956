"""What a reader sees for a search document's type: a French label, never a model name.

A contribution is typed by its kind (``ContributionPage.Type``: « Synthèse d'atelier »…),
an attached file and a tracked préconisation by a name of their own, and any other page by
its model, whose label is the page type's French ``verbose_name`` (« page de texte » shows
« Page de texte »): a page type added later gets its label from its own declaration.
"""

from __future__ import annotations

from django.utils.text import capfirst
from wagtail.models import get_page_models

from cms.models import ContributionPage

# Types that are not page models (``search.documents``: attachments, follow-up items).
OTHER_TYPE_LABELS = {
    "document": "Pièce jointe",
    "followup": "Préconisation suivie",
}
# A value no label names (a document indexed by an older version of the code).
UNKNOWN_TYPE_LABEL = "Page"


def page_type_labels() -> dict[str, str]:
    """Every page model's ``model_name`` (the type of its documents) → its French name."""
    return {
        model._meta.model_name: str(capfirst(model._meta.verbose_name))
        for model in get_page_models()
    }


def type_labels() -> dict[str, str]:
    """Every type a search document may carry → the label shown in hits and facets."""
    contribution_types = {str(value): str(label) for value, label in ContributionPage.Type.choices}
    return {**page_type_labels(), **OTHER_TYPE_LABELS, **contribution_types}


def type_label(value: str, labels: dict[str, str] | None = None) -> str:
    """The label of one type value; an unknown value reads « Page », not its identifier."""
    return (labels if labels is not None else type_labels()).get(value, UNKNOWN_TYPE_LABEL)
