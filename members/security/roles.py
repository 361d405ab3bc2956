"""Who counts as coordination for account security: superusers and the coordination group."""

from __future__ import annotations

from members.roles import COORDINATION_GROUP


def is_coordination_or_admin(user) -> bool:
    """Coordination members and platform administrators (superusers), active ones only.

    Cached on the user object: the two-factor middleware asks on every request.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_security_is_coordination", None)
    if cached is None:
        cached = user.groups.filter(name=COORDINATION_GROUP).exists()
        user._security_is_coordination = cached
    return cached
