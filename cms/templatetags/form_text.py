"""Filters for the text of forms' error summaries (templates/includes/form_errors.html)."""

from __future__ import annotations

from django import template

register = template.Library()

# What may end a label: a full stop, a question or exclamation mark, a colon, the required
# field's asterisk, and the (narrow) non-breaking spaces put before French punctuation.
TRAILING = " \u00a0\u202f.:;?!*…"


@register.filter
def summary_label(label: object) -> str:
    """A field's label as the start of « label : error », without punctuation of its own.

    « J'accepte que … me répondre. » or « Qui peut voir mon téléphone ? » followed by
    « : » would read as double punctuation.
    """
    return str(label).rstrip(TRAILING)


@register.filter
def bound_field(form, name: str):
    """The form's field called ``name``, for partials given field names (« _fieldset.html »)."""
    return form[name]
