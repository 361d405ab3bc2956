"""What the own-profile form (/mon-profil/) posts, for the tests that submit it."""

from __future__ import annotations

TEXT_FIELDS = ("fonction", "phone", "address", "bio", "expertise_text")
# Who may see each field when a test says nothing else: a level for every field of the form.
LEVELS = {
    "email": "public",
    "phone": "public",
    "address": "hidden",
    "bio": "members",
    "expertise": "members",
}


def profile_post(levels: dict[str, str] | None = None, **fields: str) -> dict[str, str]:
    """The form's data: the text fields (empty unless in ``fields``), then the visibility levels.

    ``levels`` changes some of ``LEVELS`` (``{"phone": "college"}``); ``fields`` may also
    give a raw ``visibility_<field>`` value, even one the form refuses.
    """
    data = dict.fromkeys(TEXT_FIELDS, "")
    for name, level in {**LEVELS, **(levels or {})}.items():
        data[f"visibility_{name}"] = level
    data.update(fields)
    return data
