"""The follow-up of préconisations: ``preconisations[i].followup`` of a contribution.

A préconisation's tracked item is born when its contribution is published (the sync of
``cms.followup``); this module then sets what the file says of its follow-up: status
(with its reason when réalisée or abandonnée), carriers, target date, progress and the
timeline. It runs once every page is loaded, since a timeline entry may name a meeting
or a contribution further down the file.

The file is read oldest entry first: each entry may move the status or the progress,
and its « what changed » (before → after) is computed from the entries before it. An
entry is recognised on the site by its date and its text: loading again rewrites an
entry whose author, changes or evidence differ, creates the missing ones and leaves the
others (those written on the site) alone. Nothing is written when nothing differs, and
a loaded step notifies nobody: it is history, not news.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from wagtail.models import Page

from cms.content_loader.base import LoaderBase
from cms.content_loader.errors import ContentError
from cms.content_loader.values import (
    check_keys,
    read_choice,
    read_date,
    read_int,
    read_list,
    read_text,
)
from cms.followup.audit import ENTRY_ADDED, UPDATED, log_item
from cms.followup.models import STATUSES_WITH_REASON, Status, TimelineEntry, TrackedItem
from cms.followup.services import TRACKED_FIELDS, _shown
from cms.followup.sync import sync_contribution
from cms.models import ContributionPage, EventPage
from members.models import Organisation

FOLLOWUP_KEYS = {
    "status",
    "reason",
    "carrier_organisations",
    "carrier_people",
    "target_date",
    "progress",
    "timeline",
}
ENTRY_KEYS = {"date", "author", "text", "status", "progress", "evidence"}
STATUS_NAMES = ", ".join(Status.values)


@dataclass
class PendingFollowup:
    """A préconisation's follow-up, read with its page and applied after every page."""

    page: ContributionPage
    block_id: str
    entry: dict
    path: str


@dataclass
class Step:
    date: datetime.date
    author: Any
    text: str
    changes: list[dict]
    evidence: Page | None


def _progress(entry: dict, path: str) -> int | None:
    value = read_int(entry, "progress", path)
    if value is not None and value > 100:
        raise ContentError(f"{path}.progress", "un pourcentage entre 0 et 100 est attendu")
    return value


def _status(entry: dict, path: str) -> str | None:
    if entry.get("status") is None:
        return None
    return read_choice(entry, "status", path, Status.values, "")


def _change(name: str, before, after) -> dict:
    return {
        "field": name,
        "label": TRACKED_FIELDS[name],
        "before": _shown(None, name, before),  # type: ignore[arg-type]  # unused for these
        "after": _shown(None, name, after),  # type: ignore[arg-type]
    }


class FollowupFields(LoaderBase):
    """Reads ``followup`` on a préconisation, then writes it once the pages are loaded."""

    _pending_followups: list[PendingFollowup]

    def _queue_followups(self, page: ContributionPage, followups: list) -> None:
        for block, entry, entry_path in followups:
            self._pending_followups.append(PendingFollowup(page, block, entry, entry_path))

    def _load_followups(self, home: Page) -> None:
        for pending in self._pending_followups:
            self._load_followup(home, pending)

    # -- one préconisation --------------------------------------------------

    def _load_followup(self, home: Page, pending: PendingFollowup) -> None:
        entry, path = pending.entry, pending.path
        check_keys(entry, path, FOLLOWUP_KEYS)
        page = ContributionPage.objects.get(pk=pending.page.pk)
        steps, last_status, last_progress = self._timeline(home, page, entry, path)
        status = _status(entry, path)
        if status is None:
            status = last_status or Status.PROPOSEE
        elif last_status is not None and last_status != status:
            raise ContentError(
                f"{path}.status",
                f"l'historique finit sur l'état « {last_status} », pas « {status} » : "
                "ajoutez une étape qui change l'état, ou corrigez-le",
            )
        progress = _progress(entry, path)
        if progress is None:
            progress = last_progress if last_progress is not None else 0
        elif last_progress is not None and last_progress != progress:
            raise ContentError(
                f"{path}.progress",
                f"l'historique finit sur un avancement de {last_progress} %, pas {progress} %",
            )
        reason = read_text(entry, "reason", path)
        if status in STATUSES_WITH_REASON and not reason:
            raise ContentError(
                f"{path}.reason",
                f"un motif est obligatoire pour l'état « {status} » "
                "(ce qui a été fait, ou pourquoi la préconisation est abandonnée)",
            )
        if reason and status not in STATUSES_WITH_REASON:
            raise ContentError(
                f"{path}.reason",
                "un motif ne s'écrit que pour une préconisation réalisée ou abandonnée",
            )
        values = {
            "status": status,
            "status_reason": reason,
            "progress": progress,
            "target_date": read_date(entry, "target_date", path),
        }
        organisations = self._refs(Organisation, entry, "carrier_organisations", path)
        people = self._member_refs(entry, "carrier_people", path)

        item = self._item(page, pending.block_id, path)
        self._write_item(item, values, organisations, people)
        self._write_steps(item, steps)

    def _item(self, page: ContributionPage, block: str, path: str) -> TrackedItem:
        item = TrackedItem.objects.filter(contribution=page, block_id=block).first()
        if item is None:  # the contribution was published before the follow-up existed
            sync_contribution(page)
            item = TrackedItem.objects.filter(contribution=page, block_id=block).first()
        if item is None:
            raise ContentError(path, "la préconisation n'a pas pu être suivie")
        return item

    def _timeline(self, home: Page, page: ContributionPage, entry: dict, path: str):
        """The steps, oldest first, with what each changed; the last status and progress."""
        read: list[tuple[datetime.date, int, dict, str]] = []
        seen: dict[tuple, str] = {}
        for index, step in enumerate(read_list(entry, "timeline", path)):
            step_path = f"{path}.timeline[{index}]"
            check_keys(step, step_path, ENTRY_KEYS, required=("date",))
            date = read_date(step, "date", step_path)
            assert date is not None  # required above
            if date < page.date:
                raise ContentError(
                    f"{step_path}.date",
                    f"une étape ne peut pas précéder la contribution "
                    f"(datée du {page.date:%d/%m/%Y})",
                )
            key = (date, read_text(step, "text", step_path))
            if key in seen:
                raise ContentError(step_path, f"la même étape figure déjà en {seen[key]}")
            seen[key] = step_path
            read.append((date, index, step, step_path))
        status, progress = Status.PROPOSEE.value, 0
        last_status: str | None = None
        last_progress: int | None = None
        steps = []
        for date, _index, step, step_path in sorted(read, key=lambda row: row[:2]):
            changes = []
            new_status = _status(step, step_path)
            if new_status is not None:
                if new_status != status:
                    changes.append(_change("status", status, new_status))
                status = last_status = new_status
            new_progress = _progress(step, step_path)
            if new_progress is not None:
                if new_progress != progress:
                    changes.append(_change("progress", progress, new_progress))
                progress = last_progress = new_progress
            text = read_text(step, "text", step_path)
            if not text and not changes:
                raise ContentError(
                    step_path, "une étape dit ce qui a changé (status, progress) ou pourquoi (text)"
                )
            author = None
            if step.get("author"):
                author = self._ref(
                    get_user_model(), step["author"], f"{step_path}.author", "username"
                )
            evidence = self._evidence(home, step, step_path)
            steps.append(Step(date, author, text, changes, evidence))
        return steps, last_status, last_progress

    def _evidence(self, home: Page, step: dict, path: str) -> Page | None:
        value = step.get("evidence")
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip("/"):
            raise ContentError(
                f"{path}.evidence", "le chemin d'une contribution ou d'une rencontre"
            )
        found = Page.objects.filter(url_path=f"{home.url_path}{value.strip('/')}/").first()
        if found is None or found.specific_class not in (ContributionPage, EventPage):
            raise ContentError(
                f"{path}.evidence",
                f"« {value} » : aucune contribution ni rencontre à cette adresse",
            )
        return found

    # -- writing what changed -------------------------------------------------

    def _write_item(self, item: TrackedItem, values: dict, organisations, people) -> None:
        changed = [name for name, value in values.items() if getattr(item, name) != value]
        for name in changed:
            setattr(item, name, values[name])
        if changed:
            item.save(update_fields=[*changed, "updated_at"])
        relations = {"carrier_organisations": organisations, "carrier_members": people}
        for name, wanted in relations.items():
            if {obj.pk for obj in getattr(item, name).all()} != {obj.pk for obj in wanted}:
                getattr(item, name).set(wanted)
                changed.append(name)
        if changed:
            labels = [TRACKED_FIELDS.get(name, "Personnes porteuses") for name in changed]
            log_item(item, UPDATED, None, {"labels": labels, "source": "fichier de contenu"})
            self.report["suivi(s) de préconisation mis à jour"] += 1

    def _write_steps(self, item: TrackedItem, steps: list[Step]) -> None:
        stored: dict[tuple, TimelineEntry] = {}
        for stored_entry in item.entries.order_by("created_at", "pk"):
            stored.setdefault((stored_entry.date, stored_entry.text), stored_entry)
        for step in steps:
            wanted = {
                "author_id": step.author.pk if step.author else None,
                "changes": step.changes,
                "evidence_page_id": step.evidence.pk if step.evidence else None,
            }
            current = stored.get((step.date, step.text))
            if current is None:
                TimelineEntry.objects.create(item=item, date=step.date, text=step.text, **wanted)
                log_item(item, ENTRY_ADDED, None, {"source": "fichier de contenu"})
                self.report["étape(s) de suivi créée(s)"] += 1
                continue
            changed = [name for name, value in wanted.items() if getattr(current, name) != value]
            if changed:
                for name in changed:
                    setattr(current, name, wanted[name])
                current.save(update_fields=changed)
                self.report["étape(s) de suivi mise(s) à jour"] += 1
