"""College spaces: pages restricted to a college are edited by that college's referents.

A page whose own view restriction lets in one or more colleges is a space of those
colleges; their referents groups get Wagtail page permissions on it (and so on its
subtree). Publishing still goes through the workflow.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from wagtail.models import BaseViewRestriction, GroupPagePermission, Page, PageViewRestriction

from members.models import College

SPACE_PERMISSIONS = ("add_page", "change_page")


def space_colleges(page: Page) -> list[College]:
    restrictions = PageViewRestriction.objects.filter(
        page=page, restriction_type=BaseViewRestriction.GROUPS
    )
    return list(College.objects.filter(group__pageviewrestriction__in=restrictions).distinct())


def sync_space_permissions(page: Page) -> None:
    """Give exactly the referents of the page's colleges their rights on it."""
    wanted = {
        college.referents_group_id for college in space_colleges(page) if college.referents_group_id
    }
    granted = GroupPagePermission.objects.filter(
        page=page, group__college_of_referents__isnull=False
    )
    granted.exclude(group_id__in=wanted).delete()
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=SPACE_PERMISSIONS
    )
    for group_id in wanted:
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(
                group_id=group_id, page=page, permission=permission
            )
