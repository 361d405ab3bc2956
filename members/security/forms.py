from __future__ import annotations

import re

from django import forms


class CodeForm(forms.Form):
    """A code of the authenticator app, or one recovery code."""

    code = forms.CharField(
        label="Code de vérification",
        max_length=32,
        help_text="Les 6 chiffres affichés par votre application d’authentification, "
        "ou l’un de vos codes de secours.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
        error_messages={"required": "Indiquez le code affiché par votre application."},
    )

    def clean_code(self) -> str:
        # People copy codes with spaces ("123 456") or in capitals.
        return re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()
