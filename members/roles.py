"""Roles of the convention and the auth groups they grant.

``apply_roles`` and ``sync_access`` are the only places that put people in or out of
the groups used by page view restrictions and Wagtail permissions: a member's groups
always follow from their status, colleges and roles.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from members.models import College, CollegeMembership, Member
from members.permissions import grant_own_profile

MEMBERS_GROUP = "Membres"
REFERENTS_GROUP = "Référents de collège"
COORDINATION_GROUP = "Coordination"

ROLES = ("member", "referent", "coordination", "admin")

PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "bulk_delete_page",
    "lock_page",
    "unlock_page",
]
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]


class UnknownRole(ValueError):
    pass


def _permissions(pairs: list[tuple[str, str]]) -> list[Permission] | None:
    """The permissions named by (app label, codename), or None while some do not exist yet."""
    found = []
    for app_label, codename in pairs:
        permission = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if permission is None:
            return None
        found.append(permission)
    return found


def ensure_role_groups() -> dict[str, Group] | None:
    """Create the role groups and give coordination its rights over the whole site.

    Returns None, doing nothing, while the permissions it grants are not created yet
    (``post_migrate`` reaches this before it reaches Wagtail's apps).
    """
    admin_permissions = _permissions([("wagtailadmin", "access_admin")])
    page_permissions = _permissions([("wagtailcore", codename) for codename in PAGE_PERMISSIONS])
    collection_permissions = _permissions(COLLECTION_PERMISSIONS)
    if admin_permissions is None or page_permissions is None or collection_permissions is None:
        return None

    names = (MEMBERS_GROUP, REFERENTS_GROUP, COORDINATION_GROUP)
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in names}
    groups[REFERENTS_GROUP].permissions.add(*admin_permissions)
    coordination = groups[COORDINATION_GROUP]
    coordination.permissions.add(*admin_permissions)
    coordination.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="members", codename__regex=r"^(add|change|delete|view)_"
        )
    )

    root_page = Page.get_first_root_node()
    if root_page is not None:
        for permission in page_permissions:
            GroupPagePermission.objects.get_or_create(
                group=coordination, page=root_page, permission=permission
            )
    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        for permission in collection_permissions:
            GroupCollectionPermission.objects.get_or_create(
                group=coordination, collection=root_collection, permission=permission
            )
    return groups


def ensure_role_groups_after_migrate(**kwargs) -> None:
    ensure_role_groups()


def managed_group_ids() -> set[int]:
    """Groups whose membership is decided by roles; other groups are left alone."""
    names = (MEMBERS_GROUP, REFERENTS_GROUP, COORDINATION_GROUP)
    ids = set(Group.objects.filter(name__in=names).values_list("pk", flat=True))
    for group_id, referents_group_id in College.objects.values_list(
        "group_id", "referents_group_id"
    ):
        ids |= {group_id, referents_group_id} - {None}
    return ids


def roles_of(member: Member) -> list[str]:
    """The roles the member holds now, as ``apply_roles`` takes them."""
    return roles_with(
        member,
        member_role=member.is_coordination or member.memberships.exists(),
        referent=member.memberships.filter(is_referent=True).exists(),
    )


def roles_with(member: Member, *, member_role: bool, referent: bool) -> list[str]:
    """The member's coordination and admin roles, after ``member`` and ``referent`` if given."""
    roles = ["member"] if member_role else []
    if referent:
        roles.append("referent")
    if member.is_coordination:
        roles.append("coordination")
    if member.is_platform_admin:
        roles.append("admin")
    return roles


@transaction.atomic
def apply_roles(member: Member, roles: Iterable[str]) -> None:
    """Give a member exactly these roles (referent applies to each of their colleges)."""
    roles = set(roles)
    unknown = roles - set(ROLES)
    if unknown:
        raise UnknownRole(", ".join(sorted(unknown)))
    CollegeMembership.objects.filter(member=member).exclude(is_referent="referent" in roles).update(
        is_referent="referent" in roles
    )
    if member.is_coordination != ("coordination" in roles) or member.is_platform_admin != (
        "admin" in roles
    ):
        member.is_coordination = "coordination" in roles
        member.is_platform_admin = "admin" in roles
        member.save(update_fields=["is_coordination", "is_platform_admin"])
    sync_access(member)


def groups_for(member: Member) -> set[int]:
    """The managed groups a member should be in, from status, colleges and roles."""
    if member.status != Member.Status.ACTIVE:
        return set()
    memberships = list(member.memberships.select_related("college"))
    wanted: set[str] = set()
    ids = {membership.college.group_id for membership in memberships}
    ids |= {
        m.college.referents_group_id
        for m in memberships
        if m.is_referent and m.college.referents_group_id
    }
    if memberships or member.is_coordination:
        wanted.add(MEMBERS_GROUP)
    if any(membership.is_referent for membership in memberships):
        wanted.add(REFERENTS_GROUP)
    if member.is_coordination:
        wanted.add(COORDINATION_GROUP)
    ids |= set(Group.objects.filter(name__in=wanted).values_list("pk", flat=True))
    return ids


@transaction.atomic
def sync_access(member: Member) -> None:
    """Put the member's account in exactly the groups their profile calls for.

    A former or pending member loses every managed group and any admin right, so
    ending a membership removes access at once.
    """
    user = member.user
    grant_own_profile(member)
    wanted = groups_for(member)
    current = set(user.groups.values_list("pk", flat=True))
    managed = managed_group_ids()
    to_remove = (current & managed) - wanted
    to_add = wanted - current
    if to_remove:
        user.groups.remove(*to_remove)
    if to_add:
        user.groups.add(*to_add)
    is_admin = member.is_platform_admin and member.status == Member.Status.ACTIVE
    if user.is_superuser != is_admin or user.is_staff != is_admin:
        user.is_superuser = user.is_staff = is_admin
        user.save(update_fields=["is_superuser", "is_staff"])


def end_membership(member: Member, on=None) -> None:
    """Mark a member as former and remove their access."""
    member.status = Member.Status.FORMER
    member.left_on = on or timezone.localdate()
    member.save(update_fields=["status", "left_on"])
    sync_access(member)
