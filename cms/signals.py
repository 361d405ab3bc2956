"""Keep coordination inside every group restriction, whoever writes it."""

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from wagtail.models import BaseViewRestriction, PageViewRestriction

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
