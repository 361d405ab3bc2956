"""Keep object permissions in step with memberships and organisations."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from members.models import CollegeMembership, Organisation
from members.permissions import refresh_member_permissions, refresh_organisation_permissions


@receiver([post_save, post_delete], sender=CollegeMembership)
def membership_changed(sender, instance, **kwargs):
    refresh_member_permissions(instance.member)


@receiver(post_save, sender=Organisation)
def organisation_saved(sender, instance, **kwargs):
    refresh_organisation_permissions(instance)
