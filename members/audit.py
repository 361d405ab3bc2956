"""Changes to members in Wagtail's audit log: who changed which fields, and when.

Only field names are logged, never their values: the log is read by coordination and by
the member's referents, who must not learn a hidden phone number from it.
"""

from __future__ import annotations

from wagtail import hooks
from wagtail.log_actions import LogFormatter, log

from members.models import Member

MEMBER_CHANGED = "members.member_changed"
EMAIL_CONFIRMED = "members.email_confirmed"
EMAIL_CHANGE_CANCELLED = "members.email_change_cancelled"
PHOTO_CHANGED = "members.photo_changed"
PHOTO_REMOVED = "members.photo_removed"
NAME_CHANGE_REQUESTED = "members.name_change_requested"
NAME_CHANGE_ACCEPTED = "members.name_change_accepted"
NAME_CHANGE_DECLINED = "members.name_change_declined"


class _MemberChangedFormatter(LogFormatter):
    label = "Modification d'un membre"

    def format_message(self, log_entry) -> str:
        data = log_entry.data or {}
        labels = list(data.get("labels") or data.get("fields") or [])
        if data.get("email_pending"):
            labels.append("Adresse électronique (en attente de confirmation)")
        if not labels:
            return "Membre modifié"
        return "Modifié : " + ", ".join(labels)


# The actions whose log line is always the same sentence: (action, label, message). Name
# changes keep the names out of the message: a pseudonymised member's surname is in them.
FIXED_MESSAGE_ACTIONS = [
    (
        EMAIL_CONFIRMED,
        "Confirmation d'une nouvelle adresse électronique",
        "Nouvelle adresse électronique confirmée par le lien envoyé à cette adresse",
    ),
    (
        EMAIL_CHANGE_CANCELLED,
        "Annulation d'un changement d'adresse électronique",
        "Changement d'adresse électronique annulé",
    ),
    (PHOTO_CHANGED, "Nouvelle photo", "Photo du profil changée"),
    (PHOTO_REMOVED, "Photo retirée", "Photo du profil retirée"),
    (NAME_CHANGE_REQUESTED, "Demande de changement de nom", "Changement de nom demandé"),
    (
        NAME_CHANGE_ACCEPTED,
        "Changement de nom confirmé",
        "Nouveau nom confirmé par la coordination",
    ),
    (
        NAME_CHANGE_DECLINED,
        "Changement de nom refusé",
        "Changement de nom refusé par la coordination",
    ),
]


def _fixed_message_formatter(label: str, message: str) -> type[LogFormatter]:
    return type("FixedMessageFormatter", (LogFormatter,), {"label": label, "message": message})


@hooks.register("register_log_actions")
def register_member_log_actions(actions) -> None:
    actions.register_action(MEMBER_CHANGED)(_MemberChangedFormatter)
    for action, label, message in FIXED_MESSAGE_ACTIONS:
        actions.register_action(action)(_fixed_message_formatter(label, message))


def log_member_change(
    member: Member, user, fields: dict[str, str], *, email_pending: bool = False
) -> None:
    """Record that ``user`` changed ``fields`` (name → label) of ``member``."""
    if not fields and not email_pending:
        return
    log(
        instance=member,
        action=MEMBER_CHANGED,
        user=user,
        data={
            "fields": list(fields),
            "labels": [str(label) for label in fields.values()],
            "email_pending": email_pending,
        },
    )
