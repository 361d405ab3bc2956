"""Wagtail and model events that change what the index must hold."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from wagtail.documents.models import Document
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.followup.models import TimelineEntry, TrackedItem
from members.models import College, CollegeMembership, Member
from members.visibility import ACCOMPANIED_COLLEGE
from search import indexing


def enqueue_indexing(page_ids) -> None:
    """Additions may be asynchronous: queue them once the data is committed.

    A transaction that publishes many pages (a content load, a bulk action) queues one
    task for all of them, not one per page: the ids wait in one batch per connection,
    and the first of the transaction's hooks to run takes the whole batch.
    """
    page_ids = set(page_ids)
    if not page_ids:
        return
    connection = transaction.get_connection()
    batch: set[int] = getattr(connection, _BATCH_ATTR, set())
    if not any(hook is _index_batch for _, hook, _ in connection.run_on_commit):
        # None of this transaction's hooks is left: the ids still in the batch were rolled
        # back with theirs (or already queued); keep only what this transaction changes.
        batch = set()
    batch |= page_ids
    setattr(connection, _BATCH_ATTR, batch)
    transaction.on_commit(_index_batch)


_BATCH_ATTR = "_search_pages_to_index"


def _index_batch() -> None:
    from search.tasks import index_pages

    connection = transaction.get_connection()
    page_ids = sorted(getattr(connection, _BATCH_ATTR, ()))
    setattr(connection, _BATCH_ATTR, set())
    if page_ids:
        index_pages.enqueue(page_ids)


@receiver(page_published)
def page_was_published(sender, instance, **kwargs):
    enqueue_indexing([instance.pk])


# Narrowing changes are applied at once, before the request that made them returns.
@receiver(page_unpublished)
def page_was_unpublished(sender, instance, **kwargs):
    indexing.sync_pages([instance])


@receiver(post_delete)
def page_was_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        indexing.remove_pages([instance.pk])


@receiver(post_page_move)
def page_was_moved(sender, instance, **kwargs):
    indexing.sync_subtree(instance)


@receiver(post_save, sender=PageViewRestriction)
def restriction_saved(sender, instance, created, **kwargs):
    if created:
        indexing.sync_subtree(instance.page)


@receiver(post_delete, sender=PageViewRestriction)
def restriction_deleted(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        indexing.sync_subtree(page)


@receiver(post_save, sender=Document)
def document_changed(sender, instance, created, **kwargs):
    if not created:
        from cms.access import pages_using

        enqueue_indexing(pages_using(instance).values_list("pk", flat=True))


# A follow-up item is indexed with its contribution (search.documents.item_documents):
# a change of its status, text or timeline, or its archiving, re-indexes that contribution.
@receiver(post_save, sender=TrackedItem)
def tracked_item_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        enqueue_indexing([instance.contribution_id])


@receiver(post_save, sender=TimelineEntry)
def timeline_entry_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        enqueue_indexing([instance.item.contribution_id])


@receiver(post_save, sender=College)
def college_changed(sender, instance, created, **kwargs):
    if not created:
        enqueue_indexing(instance.contributions.values_list("pk", flat=True))


# A member's shown name is part of their contributions' documents (authors). A change of
# it (a pseudonym chosen again, a name corrected, joining the accompanied college) may
# hide what the index still holds, so it is applied at once, like other narrowing changes.
SHOWN_NAME_FIELDS: dict[type[Model], tuple[str, ...]] = {
    Member: ("show_full_name",),
    get_user_model(): ("first_name", "last_name", "username"),
}
_CHANGED_ATTR = "_search_shown_name_changed"


def sync_contributions_of(member_id: int | None) -> None:
    """Re-index, before returning, the contributions that name this member as an author."""
    from cms.models import ContributionPage

    if member_id is None:
        return
    pages = ContributionPage.objects.filter(authors__pk=member_id).distinct()
    if pages.exists():
        indexing.sync_pages(pages.specific())


def _remember_shown_name_change(sender, instance, raw=False, update_fields=None, **kwargs):
    fields = SHOWN_NAME_FIELDS[sender]
    setattr(instance, _CHANGED_ATTR, False)
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(fields):
        return  # e.g. last_login at each sign-in: no query
    before = sender._default_manager.filter(pk=instance.pk).values(*fields).first()
    if before is not None:
        changed = any(before[name] != getattr(instance, name) for name in fields)
        setattr(instance, _CHANGED_ATTR, changed)


def _member_id_of(instance) -> int | None:
    if isinstance(instance, Member):
        return instance.pk
    return Member.objects.filter(user_id=instance.pk).values_list("pk", flat=True).first()


def _sync_if_shown_name_changed(sender, instance, created=False, raw=False, **kwargs):
    if raw or created or not getattr(instance, _CHANGED_ATTR, False):
        return
    setattr(instance, _CHANGED_ATTR, False)
    sync_contributions_of(_member_id_of(instance))


for _model in SHOWN_NAME_FIELDS:
    pre_save.connect(_remember_shown_name_change, sender=_model, dispatch_uid=f"search-{_model}")
    post_save.connect(_sync_if_shown_name_changed, sender=_model, dispatch_uid=f"search-{_model}")


def _accompanied(membership: CollegeMembership) -> bool:
    return College.objects.filter(pk=membership.college_id, slug=ACCOMPANIED_COLLEGE).exists()


@receiver(post_save, sender=CollegeMembership)
def membership_saved(sender, instance, created, raw=False, **kwargs):
    # Joining the accompanied college turns the full name into a pseudonym.
    if not raw and _accompanied(instance):
        sync_contributions_of(instance.member_id)


@receiver(post_delete, sender=CollegeMembership)
def membership_deleted(sender, instance, **kwargs):
    if _accompanied(instance) and Member.objects.filter(pk=instance.member_id).exists():
        sync_contributions_of(instance.member_id)
