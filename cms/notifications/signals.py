"""A contribution published for the first time is announced to its dossier's followers."""

from django.db import transaction
from django.dispatch import receiver
from wagtail.signals import page_published

from cms.dossiers.pages import ContributionPage
from cms.notifications.delivery import is_first_publication
from cms.notifications.tasks import notify_new_contribution


@receiver(page_published, sender=ContributionPage)
def contribution_published(sender, instance, **kwargs) -> None:
    if not is_first_publication(instance):
        return
    contribution_id = instance.pk
    transaction.on_commit(lambda: notify_new_contribution.enqueue(contribution_id))
