"""A contribution published for the first time is announced to its dossier's followers."""

from django.db import transaction
from wagtail.signals import page_published

from cms.dossiers.pages import ContributionPage
from cms.notifications.delivery import is_first_publication
from cms.notifications.tasks import notify_new_contribution


def contribution_published(sender, instance, **kwargs) -> None:
    if not is_first_publication(instance):
        return
    contribution_id = instance.pk
    transaction.on_commit(lambda: notify_new_contribution.enqueue(contribution_id))


def connect() -> None:
    page_published.connect(
        contribution_published,
        sender=ContributionPage,
        dispatch_uid="notifications.contribution_published",
    )
