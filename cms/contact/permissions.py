"""Coordination sets its own address (Paramètres › Contact de la coordination)."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from members.roles import COORDINATION_GROUP

SETTINGS_PERMISSION = "change_contactsettings"


def grant_settings_to_coordination(**kwargs) -> None:
    """Give the coordination group the right to change the contact settings, once both exist."""
    permission = Permission.objects.filter(
        content_type__app_label="contact", codename=SETTINGS_PERMISSION
    ).first()
    group = Group.objects.filter(name=COORDINATION_GROUP).first()
    if permission is not None and group is not None:
        group.permissions.add(permission)
