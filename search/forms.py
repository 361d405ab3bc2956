"""The search query string, read by a Django form: every value checked, never a 500."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator

from search.contract import FACETS, SORTS

MAX_PAGE = 1000
MAX_QUERY = 200
MAX_FILTER = 200
PAGE_MESSAGE = f"Le numéro de page doit être un entier entre 1 et {MAX_PAGE}."


def _filter_field(name: str) -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=MAX_FILTER,
        error_messages={"max_length": f"Le filtre « {name} » est trop long."},
    )


class SearchForm(forms.Form):
    """``q``, the facet filters, ``sort`` and ``page`` of /recherche/ and /api/search/."""

    q = forms.CharField(
        required=False,
        max_length=MAX_QUERY,
        error_messages={"max_length": f"La recherche est limitée à {MAX_QUERY} caractères."},
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[(sort, sort) for sort in SORTS],
        error_messages={
            "invalid_choice": "Le tri doit valoir « relevance » (pertinence) ou « date »."
        },
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        error_messages={
            "invalid": PAGE_MESSAGE,
            "min_value": PAGE_MESSAGE,
            "max_value": PAGE_MESSAGE,
        },
    )
    college = _filter_field("college")
    theme = _filter_field("theme")
    type = _filter_field("type")
    territory = _filter_field("territory")
    status = _filter_field("status")
    # [0-9], not \d: Python's \d also takes other scripts' digits.
    year = forms.CharField(
        required=False,
        validators=[RegexValidator(r"\A[0-9]{4}\Z", "L'année doit s'écrire avec quatre chiffres.")],
    )

    def first_error(self) -> str:
        """The first refusal, naming the parameter it is about."""
        for name, errors in self.errors.items():
            return f"Paramètre « {name} » : {errors[0]}"
        return ""

    def filters(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in FACETS if self.cleaned_data.get(name)}
