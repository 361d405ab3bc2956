"""Django's model backend, reading a user's permissions in one query instead of two.

Every page a member reads asks ``perms.wagtailadmin.access_admin`` (the header's link to
the admin): Django's ``ModelBackend`` answers with one query for the user's own
permissions and one for their groups'. Here one query reads both, with the same result
and the same per-user-object cache (``_perm_cache``) that ``has_perm`` reads.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class OneQueryModelBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = _permission_names(user_obj)
        return user_obj._perm_cache


def _permission_names(user) -> set[str]:
    permissions = Permission.objects.all()
    if not user.is_superuser:
        permissions = permissions.filter(Q(user=user) | Q(group__user=user))
    rows = permissions.values_list("content_type__app_label", "codename").distinct()
    return {f"{app_label}.{codename}" for app_label, codename in rows}
