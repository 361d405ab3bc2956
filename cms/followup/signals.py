"""Items follow publication; their changes purge the anonymous page cache."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.signals import page_published

from cms.cache import purge_page_cache
from cms.models import ContributionPage


def _contribution_published(sender, instance, revision=None, **kwargs) -> None:
    from cms.followup.sync import sync_contribution

    user = getattr(revision, "user", None) if revision is not None else None
    sync_contribution(instance, user)


def _purge(sender, **kwargs) -> None:
    # A public board or item page shows statuses and counts: drop stale cached copies.
    transaction.on_commit(purge_page_cache)


def connect() -> None:
    from cms.followup.models import Endorsement, TimelineEntry, TrackedItem

    page_published.connect(
        _contribution_published, sender=ContributionPage, dispatch_uid="followup_sync"
    )
    for model in (TrackedItem, TimelineEntry, Endorsement):
        post_save.connect(_purge, sender=model, dispatch_uid=f"followup_purge_{model.__name__}")
        post_delete.connect(
            _purge, sender=model, dispatch_uid=f"followup_purge_del_{model.__name__}"
        )
    for through in (
        TrackedItem.colleges.through,
        TrackedItem.carrier_organisations.through,
        TrackedItem.carrier_members.through,
    ):
        m2m_changed.connect(
            _purge, sender=through, dispatch_uid=f"followup_purge_{through.__name__}"
        )
