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


class _CreatedFormatter(LogFormatter):
    label = "Suivi d'une préconisation ouvert"
    message = "Préconisation publiée : son suivi commence"


class _ArchivedFormatter(LogFormatter):
    label = "Suivi d'une préconisation archivé"
    message = "Préconisation retirée de sa contribution : suivi archivé"


class _RestoredFormatter(LogFormatter):
    label = "Suivi d'une préconisation rétabli"
    message = "Préconisation de nouveau publiée : suivi rétabli"


class _UpdatedFormatter(LogFormatter):
    label = "Mise à jour du suivi d'une préconisation"

    def format_message(self, log_entry) -> str:
        labels = (log_entry.data or {}).get("labels") or []
        return "Modifié : " + ", ".join(labels) if labels else "Suivi mis à jour"


class _EntryFormatter(LogFormatter):
    label = "Étape ajoutée au suivi d'une préconisation"
    message = "Étape ajoutée au suivi"


class _EndorsedFormatter(LogFormatter):
    label = "Soutien d'une préconisation"
    message = "Préconisation soutenue"


class _EndorsementWithdrawnFormatter(LogFormatter):
    label = "Retrait du soutien d'une préconisation"
    message = "Soutien retiré"


FORMATTERS = {
    CREATED: _CreatedFormatter,
    ARCHIVED: _ArchivedFormatter,
    RESTORED: _RestoredFormatter,
    UPDATED: _UpdatedFormatter,
    ENTRY_ADDED: _EntryFormatter,
    ENDORSED: _EndorsedFormatter,
    ENDORSEMENT_WITHDRAWN: _EndorsementWithdrawnFormatter,
}


def register(actions) -> None:
    for action, formatter in FORMATTERS.items():
        actions.register_action(action)(formatter)


def log_item(item, action: str, user=None, data: dict | None = None) -> None:
    """Record an action on a tracked item (anonymous system syncs have no user)."""
    log(
        instance=item,
        action=action,
        user=user if user is not None and user.is_authenticated else None,
        data=data or {},
    )
