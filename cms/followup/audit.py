"""Every change of a tracked item goes to Wagtail's audit log (registered in wagtail_hooks)."""

from __future__ import annotations

from wagtail.log_actions import LogFormatter, log

CREATED = "followup.created"
ARCHIVED = "followup.archived"
RESTORED = "followup.restored"
UPDATED = "followup.updated"
ENTRY_ADDED = "followup.entry_added"
ENDORSED = "followup.endorsed"
ENDORSEMENT_WITHDRAWN = "followup.endorsement_withdrawn"

# The actions whose message never changes: (label in the log's filter, message).
FIXED_MESSAGES = {
    CREATED: ("Suivi d'une préconisation ouvert", "Préconisation publiée : son suivi commence"),
    ARCHIVED: (
        "Suivi d'une préconisation archivé",
        "Préconisation retirée de sa contribution : suivi archivé",
    ),
    RESTORED: (
        "Suivi d'une préconisation rétabli",
        "Préconisation de nouveau publiée : suivi rétabli",
    ),
    ENTRY_ADDED: ("Étape ajoutée au suivi d'une préconisation", "Étape ajoutée au suivi"),
    ENDORSED: ("Soutien d'une préconisation", "Préconisation soutenue"),
    ENDORSEMENT_WITHDRAWN: ("Retrait du soutien d'une préconisation", "Soutien retiré"),
}


class _UpdatedFormatter(LogFormatter):
    label = "Mise à jour du suivi d'une préconisation"

    def format_message(self, log_entry) -> str:
        labels = (log_entry.data or {}).get("labels") or []
        return "Modifié : " + ", ".join(labels) if labels else "Suivi mis à jour"


def register(actions) -> None:
    for action, (label, message) in FIXED_MESSAGES.items():
        # Wagtail builds the formatter of a fixed label and message itself.
        actions.register_action(action, label, message)
    actions.register_action(UPDATED)(_UpdatedFormatter)


def log_item(item, action: str, user=None, data: dict | None = None) -> None:
    """Record an action on a tracked item (anonymous system syncs have no user)."""
    log(
        instance=item,
        action=action,
        user=user if user is not None and user.is_authenticated else None,
        data=data or {},
    )
