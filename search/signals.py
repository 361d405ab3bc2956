"""Wagtail and model events that change what the index must hold."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.documents.models import Document
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from members.models import College
from search import indexing


def enqueue_indexing(page_ids) -> None:
    """Additions may be asynchronous: queue them once the data is committed."""
    from search.tasks import index_pages

    page_ids = sorted(set(page_ids))
    if page_ids:
        transaction.on_commit(lambda: index_pages.enqueue(page_ids))


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


@receiver(post_save, sender=College)
def college_changed(sender, instance, created, **kwargs):
    if not created:
        enqueue_indexing(instance.contributions.values_list("pk", flat=True))
