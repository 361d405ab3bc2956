"""Reading and writing a page's visibility: public, members, or some colleges.

A visibility is stored as one Wagtail ``PageViewRestriction`` of type ``groups`` on
the page itself; restrictions of ancestors keep applying, as Wagtail applies them.
The coordination group is part of every group restriction, so that coordination
sees everything through Wagtail's own serving code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import BaseViewRestriction, Page, PageViewRestriction

from members.models import College
from members.roles import COORDINATION_GROUP, MEMBERS_GROUP

PUBLIC = "public"
MEMBERS = "members"
COLLEGES = "colleges"


@dataclass(frozen=True)
class Visibility:
    level: str
    college_slugs: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def public(cls) -> Visibility:
        return cls(PUBLIC)

    @classmethod
    def members(cls) -> Visibility:
        return cls(MEMBERS)

    @classmethod
    def colleges(cls, slugs) -> Visibility:
        return cls(COLLEGES, tuple(sorted(set(slugs))))


def wanted_group_ids(visibility: Visibility) -> set[int] | None:
    """Group ids a restriction must carry for this visibility (None for public)."""
    if visibility.level == PUBLIC:
        return None
    coordination = Group.objects.get_or_create(name=COORDINATION_GROUP)[0]
    if visibility.level == MEMBERS:
        return {Group.objects.get_or_create(name=MEMBERS_GROUP)[0].pk, coordination.pk}
    colleges = College.objects.filter(slug__in=visibility.college_slugs)
    return set(colleges.values_list("group_id", flat=True)) | {coordination.pk}


def own_restriction(page: Page) -> PageViewRestriction | None:
    return PageViewRestriction.objects.filter(page=page).prefetch_related("groups").first()


def visibility_of(page: Page) -> Visibility:
    """The visibility set on this page itself (ancestors not included)."""
    restriction = own_restriction(page)
    if restriction is None:
        return Visibility.public()
    group_names = {group.name for group in restriction.groups.all()}
    if restriction.restriction_type == BaseViewRestriction.LOGIN or MEMBERS_GROUP in group_names:
        return Visibility.members()
    slugs = College.objects.filter(group__in=restriction.groups.all()).values_list(
        "slug", flat=True
    )
    return Visibility.colleges(slugs)


@transaction.atomic
def set_visibility(page: Page, visibility: Visibility) -> bool:
    """Store the visibility on the page; returns True when something changed."""
    restrictions = list(PageViewRestriction.objects.filter(page=page).prefetch_related("groups"))
    wanted = wanted_group_ids(visibility)
    if wanted is None:
        if not restrictions:
            return False
        for restriction in restrictions:
            restriction.delete()
        return True
    if (
        len(restrictions) == 1
        and restrictions[0].restriction_type == BaseViewRestriction.GROUPS
        and {group.pk for group in restrictions[0].groups.all()} == wanted
    ):
        return False
    for restriction in restrictions:
        restriction.delete()
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=BaseViewRestriction.GROUPS
    )
    restriction.groups.set(wanted)
    return True


def audience_names(restriction: BaseViewRestriction) -> list[str]:
    """Who a restriction lets in, in words a member understands."""
    if restriction.restriction_type == BaseViewRestriction.LOGIN:
        return [_("les personnes connectées")]
    if restriction.restriction_type == BaseViewRestriction.PASSWORD:
        return [_("les personnes qui ont le mot de passe")]
    names = []
    colleges = {college.group_id: college for college in College.objects.all()}
    for group in restriction.groups.all():
        if group.name == COORDINATION_GROUP:
            continue
        if group.name == MEMBERS_GROUP:
            names.append(_("les membres de la convention"))
        elif group.pk in colleges:
            names.append(
                _("les membres du collège « %(name)s »") % {"name": colleges[group.pk].name}
            )
        else:
            names.append(_("le groupe « %(name)s »") % {"name": group.name})
    names.append(_("la coordination"))
    return names
