"""One rule for a phone number, on « Rejoindre la convention » and on « Mon profil »."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Digits, spaces and the signs people write around them: +33 (0)4 94-00.00.00.
PHONE_CHARACTERS = re.compile(r"^[0-9+().\- ]*$")
# The shortest numbers (short services) have 4 digits; international ones at most 15 (E.164).
MIN_DIGITS = 4
MAX_DIGITS = 15
PHONE_ERROR = _(
    "Ce numéro de téléphone n'est pas valide. Écrivez-le avec des chiffres, des espaces et "
    "si besoin + . - ( ), par exemple : 04 94 00 00 00."
)


def clean_phone_number(value: str) -> str:
    """The number as typed, trimmed; a ValidationError in plain French when it cannot be one.

    An empty value is accepted (the field is optional on both forms).
    """
    phone = " ".join(value.split())
    if not phone:
        return ""
    digits = sum(character.isdigit() for character in phone)
    if not PHONE_CHARACTERS.match(phone) or not MIN_DIGITS <= digits <= MAX_DIGITS:
        raise ValidationError(PHONE_ERROR, code="invalid_phone")
    return phone
