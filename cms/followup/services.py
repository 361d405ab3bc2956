"""Changes to tracked items: each one a timeline entry and an audit log entry, atomically."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.followup.audit import (
    ENDORSED,
    ENDORSEMENT_WITHDRAWN,
    ENTRY_ADDED,
    UPDATED,
    log_item,
)
from cms.followup.models import Endorsement, Status, TimelineEntry, TrackedItem
from cms.followup.tasks import notify_status
from members.visibility import shown_name

# The follow-up fields a manager may change, with the labels shown in the timeline.
TRACKED_FIELDS = {
    "status": "État",
    "status_reason": "Motif",
    "progress": "Avancement",
    "target_date": "Échéance",
    "carrier_organisations": "Structures porteuses",
    "carrier_members": "Personnes porteuses",
}


def _shown(item: TrackedItem, name: str, value) -> str:
    """A field's value as the timeline shows it."""
    if name == "status":
        return str(Status(value).label)
    if name == "progress":
        return f"{value} %"
    if name == "target_date":
        return value.strftime("%d/%m/%Y") if value else "aucune"
    if name == "carrier_organisations":
        return ", ".join(sorted(str(obj) for obj in value)) or "aucune"
    if name == "carrier_members":
        # The name shown outside the admin, never the full name (members.visibility).
        return ", ".join(sorted(shown_name(member) for member in value)) or "aucune"
    return str(value or "")


def _current(item: TrackedItem, name: str):
    if name in ("carrier_organisations", "carrier_members"):
        return list(getattr(item, name).all())
    return getattr(item, name)


def _same(before, after) -> bool:
    if isinstance(before, list):
        return {obj.pk for obj in before} == {obj.pk for obj in after}
    return before == after


def _write_entry(
    item: TrackedItem,
    user,
    text: str,
    date: datetime.date | None,
    evidence_page,
    changes: list[dict] | None = None,
) -> TimelineEntry:
    """One timeline entry, dated today unless told otherwise."""
    return TimelineEntry.objects.create(
        item=item,
        date=date or timezone.localdate(),
        author=user,
        text=text.strip(),
        changes=changes or [],
        evidence_page=evidence_page,
    )


@transaction.atomic
def update_item(
    item: TrackedItem,
    user,
    values: dict,
    *,
    text: str = "",
    date: datetime.date | None = None,
    evidence_page=None,
) -> TimelineEntry | None:
    """Apply the follow-up fields in ``values``; None (nothing written) when nothing changed.

    The caller has checked ``can_manage``. The status reason is cleared when the status no
    longer needs one.
    """
    item = TrackedItem.objects.select_for_update().get(pk=item.pk)
    changes = []
    for name, label in TRACKED_FIELDS.items():
        if name not in values:
            continue
        before, after = _current(item, name), values[name]
        if _same(before, after):
            continue
        changes.append(
            {
                "field": name,
                "label": label,
                "before": _shown(item, name, before),
                "after": _shown(item, name, after),
            }
        )
        if isinstance(before, list):
            getattr(item, name).set(after)
        else:
            setattr(item, name, after)
    if not changes and not text.strip():
        return None
    item.save()
    entry = _write_entry(item, user, text, date, evidence_page, changes)
    if any(change["field"] == "status" for change in changes):
        # The dossier's followers hear of it once the change is committed.
        entry_id = entry.pk
        transaction.on_commit(lambda: notify_status.enqueue(entry_id))
    log_item(
        item,
        UPDATED if changes else ENTRY_ADDED,
        user,
        {"labels": [change["label"] for change in changes], "changes": changes},
    )
    return entry


@transaction.atomic
def add_entry(
    item: TrackedItem,
    user,
    *,
    text: str,
    date: datetime.date | None = None,
    evidence_page=None,
) -> TimelineEntry:
    """A dated entry without any change of the follow-up fields (carriers may add these)."""
    entry = _write_entry(item, user, text, date, evidence_page)
    TrackedItem.objects.filter(pk=item.pk).update(updated_at=timezone.now())
    log_item(item, ENTRY_ADDED, user, {"entry": entry.pk})
    return entry


def endorse(item: TrackedItem, member, user) -> bool:
    """Endorse once; False when this member already did (nothing is written)."""
    try:
        with transaction.atomic():
            Endorsement.objects.create(item=item, member=member)
    except IntegrityError:
        return False
    log_item(item, ENDORSED, user)
    return True


def withdraw_endorsement(item: TrackedItem, member, user) -> bool:
    deleted, _ = Endorsement.objects.filter(item=item, member=member).delete()
    if deleted:
        log_item(item, ENDORSEMENT_WITHDRAWN, user)
    return bool(deleted)
