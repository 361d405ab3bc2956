"""Who may see and change a tracked item.

Seeing: an item is as visible as its source contribution, decided by the one access rule
(``cms.access``): the contribution must be live and every view restriction on it and its
ancestors must admit the reader. Every surface of this app (board, item page, CSV export,
the lists on contributions, dossiers and meetings) goes through ``visible_items`` or
``can_view_item``.

Changing: coordination (and superusers) and the referents of the item's originating
colleges update the status and the timeline; the carriers (people, or members of a
carrier organisation) may add timeline entries. Nobody changes what they may not see.
"""

from __future__ import annotations

from django.db.models import QuerySet

from cms.access import can_view_page, visible_pages
from cms.followup.models import TrackedItem
from cms.models import ContributionPage
from cms.models.base import sees_every_page
from members.models import CollegeMembership, Member


def visible_items(user, queryset: QuerySet | None = None) -> QuerySet:
    """The items of a queryset whose source contribution this user may see."""
    if queryset is None:
        queryset = TrackedItem.objects.all()
    contributions = visible_pages(user, ContributionPage.objects.live())
    return queryset.filter(contribution__in=contributions.values("pk"))


def can_view_item(user, item: TrackedItem) -> bool:
    contribution = item.contribution
    return contribution.live and can_view_page(user, contribution)


def active_member(user) -> Member | None:
    if not user.is_authenticated or not user.is_active:
        return None
    member = getattr(user, "member", None)
    if member is None or member.status != Member.Status.ACTIVE:
        return None
    return member


def can_manage(user, item: TrackedItem) -> bool:
    """Coordination and the referents of an originating college set status and timeline."""
    if not can_view_item(user, item):
        return False
    if sees_every_page(user):
        return True
    member = active_member(user)
    if member is None:
        return False
    return CollegeMembership.objects.filter(
        member=member, is_referent=True, college__in=item.colleges.all()
    ).exists()


def is_carrier(user, item: TrackedItem) -> bool:
    member = active_member(user)
    if member is None:
        return False
    if item.carrier_members.filter(pk=member.pk).exists():
        return True
    if member.organisation_id is None:
        return False
    return item.carrier_organisations.filter(pk=member.organisation_id).exists()


def can_add_entry(user, item: TrackedItem) -> bool:
    """Managers, and the carriers of the item, add dated entries to its timeline."""
    return can_manage(user, item) or (can_view_item(user, item) and is_carrier(user, item))


def can_endorse(user, item: TrackedItem) -> bool:
    return active_member(user) is not None and can_view_item(user, item) and not item.is_archived
