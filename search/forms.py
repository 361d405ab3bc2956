"""The search query string, read by a Django form: every value checked, never a 500."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator

from search.contract import FACETS, SORTS

MAX_PAGE = 1000
MAX_QUERY = 200
MAX_FILTER = 200
PAGE_MESSAGE = f"Le numéro de page doit être un entier entre 1 et {MAX_PAGE}."
FACET_LABELS = {
    "college": "Collège",
    "theme": "Thème",
    "type": "Type",
    "territory": "Territoire",
    "year": "Année",
    "status": "État du suivi",
}
KEPT_WORDS = "Vos mots sont gardés dans le champ : corrigez-les puis relancez la recherche."
LEFT_ASIDE = "Ce critère est laissé de côté : relancez la recherche, vos mots sont gardés."
# How the search page names each parameter to the reader (the API names the parameter).
PARAMETER_LABELS = {"q": "Mots recherchés", "sort": "Trier par", "page": "Page", **FACET_LABELS}


def _filter_field() -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=MAX_FILTER,
        error_messages={
            "max_length": f"Ce filtre est trop long ({MAX_FILTER} caractères au plus)."
        },
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
    college = _filter_field()
    theme = _filter_field()
    type = _filter_field()
    territory = _filter_field()
    status = _filter_field()
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

    def first_error_for_readers(self) -> str:
        """The first refusal as the search page says it: the field's French name, then why."""
        for name, errors in self.errors.items():
            then = KEPT_WORDS if name == "q" else LEFT_ASIDE
            return f"{PARAMETER_LABELS.get(name, name)} : {errors[0]} {then}"
        return ""

    def typed_text(self) -> str:
        """The words as the reader typed them, kept in the box even when they are refused:
        without control characters (a NUL cannot be shown) and at most ``MAX_QUERY`` long."""
        raw = self.data.get("q", "")
        raw = raw if isinstance(raw, str) else ""
        return "".join(char for char in raw if char.isprintable()).strip()[:MAX_QUERY]

    def filters(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in FACETS if self.cleaned_data.get(name)}
