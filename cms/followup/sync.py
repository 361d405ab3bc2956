"""Tracked items follow the préconisation blocks of published contributions.

The identity of an item is (contribution, StreamField block id). Wagtail keeps a block's
id across edits and revisions, so a reworded or moved préconisation updates its item;
a block that is gone from the published contribution archives its item, and a block
that comes back (a revision restored) brings its item back, timeline and all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cms.followup.audit import ARCHIVED, CREATED, RESTORED, log_item
from cms.followup.models import TrackedItem
from cms.models import ContributionPage, ConventionPage, DossierPage


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    archived: int = 0
    restored: int = 0
    skipped_blocks: list[str] = field(default_factory=list)

    def add(self, other: SyncReport) -> None:
        self.created += other.created
        self.updated += other.updated
        self.archived += other.archived
        self.restored += other.restored
        self.skipped_blocks += other.skipped_blocks


def preconisation_blocks(contribution: ContributionPage) -> list[tuple[str, dict]]:
    """(block id, value) of each préconisation block, in the contribution's order."""
    return [
        (block.id, block.value)
        for block in contribution.body
        if block.block_type == "preconisation" and block.id
    ]


def _context_of(contribution: ContributionPage) -> dict:
    """What an item copies from the contribution's place in the tree."""
    dossier = DossierPage.objects.filter(pk=contribution.get_parent().pk).first()
    convention = ConventionPage.objects.ancestor_of(contribution).first()
    return {
        "dossier": dossier,
        "theme": dossier.theme if dossier else "",
        "convention": convention,
        "territory_id": convention.territory_id if convention else None,
        "source_date": contribution.date,
    }


@transaction.atomic
def sync_contribution(contribution: ContributionPage, user=None) -> SyncReport:
    """Bring the items of one contribution in line with its published blocks."""
    report = SyncReport()
    contribution = ContributionPage.objects.get(pk=contribution.pk)  # the published state
    report.skipped_blocks = [
        block.value["title"]
        for block in contribution.body
        if block.block_type == "preconisation" and not block.id
    ]
    blocks = preconisation_blocks(contribution) if contribution.live else []
    context = _context_of(contribution)
    college_ids = list(contribution.colleges.values_list("pk", flat=True))
    existing = {item.block_id: item for item in contribution.tracked_items.all()}
    for block_id, value in blocks:
        item = existing.pop(block_id, None)
        fields = {
            "title": value["title"],
            "description": value.get("description") or "",
            **context,
        }
        if item is None:
            item = TrackedItem.objects.create(
                contribution=contribution, block_id=block_id, **fields
            )
            report.created += 1
            log_item(item, CREATED, user)
        else:
            restored = item.archived_at is not None
            for name, value_ in fields.items():
                setattr(item, name, value_)
            item.archived_at = None
            item.save()
            if restored:
                report.restored += 1
                log_item(item, RESTORED, user)
            else:
                report.updated += 1
        item.colleges.set(college_ids)
    for item in existing.values():
        if item.archived_at is None:
            item.archived_at = timezone.now()
            item.save(update_fields=["archived_at", "updated_at"])
            report.archived += 1
            log_item(item, ARCHIVED, user)
    return report


def sync_all(user=None) -> SyncReport:
    """Resync every contribution that is live or already has items."""
    report = SyncReport()
    with_items = TrackedItem.objects.values("contribution_id")
    contributions = ContributionPage.objects.filter(live=True) | ContributionPage.objects.filter(
        pk__in=with_items
    )
    for contribution in contributions.distinct().order_by("path"):
        report.add(sync_contribution(contribution, user))
    return report
