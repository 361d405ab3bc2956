"""Who may change which member or organisation: django-guardian object permissions.

- a member changes their own profile (a user object permission);
- the referents of a college change the members and organisations of that college
  (object permissions of the college's referents group);
- coordination changes all (model permissions of the Coordination group).

Grants follow the data: signals call the ``refresh_*`` functions whenever a membership
or an organisation's college changes.
"""

from __future__ import annotations

from django.db.models import QuerySet
from guardian.shortcuts import assign_perm, get_groups_with_perms, get_objects_for_user, remove_perm

from members.models import College, Member, Organisation

CHANGE_MEMBER = "members.change_member"
CHANGE_ORGANISATION = "members.change_organisation"


def grant_own_profile(member: Member) -> None:
    if not member.user.has_perm(CHANGE_MEMBER, member):
        assign_perm(CHANGE_MEMBER, member.user, member)


def _sync_group_grants(permission: str, obj, wanted_groups) -> None:
    # guardian's hint names Group | dict; without attach_perms it returns a queryset of groups.
    current = set(get_groups_with_perms(obj, attach_perms=False))  # type: ignore[arg-type]
    wanted = set(wanted_groups)
    for group in current - wanted:
        if hasattr(group, "college_of_referents"):
            remove_perm(permission, group, obj)
    for group in wanted - current:
        assign_perm(permission, group, obj)


def refresh_member_permissions(member: Member) -> None:
    """Referents of each of the member's colleges may change the member; no one else's."""
    colleges = College.objects.filter(memberships__member=member, referents_group__isnull=False)
    _sync_group_grants(CHANGE_MEMBER, member, [college.referents_group for college in colleges])


def refresh_organisation_permissions(organisation: Organisation) -> None:
    groups = (
        [organisation.college.referents_group] if organisation.college.referents_group_id else []
    )
    _sync_group_grants(CHANGE_ORGANISATION, organisation, groups)


def is_coordination(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm(CHANGE_MEMBER))


def outranks(member: Member, user) -> bool:
    """Whether ``member`` holds rights ``user`` lacks: editing them (their e-mail, hence a
    password reset) would hand those rights over. One's own profile never does."""
    if member.user_id == user.pk:
        return False
    if member.is_platform_admin or member.user.is_superuser:
        return not user.is_superuser
    if member.is_coordination:
        return not is_coordination(user)
    return False


def can_change_member(user, member: Member) -> bool:
    if not user.is_authenticated or outranks(member, user):
        return False
    return is_coordination(user) or user.has_perm(CHANGE_MEMBER, member)


def can_change_organisation(user, organisation: Organisation) -> bool:
    return user.is_authenticated and (
        user.has_perm(CHANGE_ORGANISATION) or user.has_perm(CHANGE_ORGANISATION, organisation)
    )


def changeable_members(user) -> QuerySet:
    """Members this user may change: all for coordination, their college's for a referent."""
    if not user.is_authenticated:
        return Member.objects.none()
    return get_objects_for_user(user, CHANGE_MEMBER, klass=Member, accept_global_perms=True)


def changeable_organisations(user) -> QuerySet:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return get_objects_for_user(
        user, CHANGE_ORGANISATION, klass=Organisation, accept_global_perms=True
    )
