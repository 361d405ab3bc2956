"""Keep view restrictions and the rights that follow from them consistent."""

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete
from django.dispatch import receiver
from wagtail.models import BaseViewRestriction, Page, PageViewRestriction

from cms.spaces import sync_space_permissions
from members.roles import COORDINATION_GROUP


@receiver(m2m_changed, sender=PageViewRestriction.groups.through)
def keep_coordination_in_group_restrictions(sender, instance, action, reverse, **kwargs):
    if reverse or action not in {"post_add", "post_remove", "post_clear"}:
        return
    if instance.restriction_type != BaseViewRestriction.GROUPS:
        return
    coordination = Group.objects.filter(name=COORDINATION_GROUP).first()
    if coordination and not instance.groups.filter(pk=coordination.pk).exists():
        instance.groups.add(coordination)
        return  # the add above comes back here and syncs the space
    sync_space_permissions(instance.page)


@receiver(post_delete, sender=PageViewRestriction)
def restriction_removed(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        sync_space_permissions(page)
