"""Anonymise former members: their profile stays for statistics, nothing identifies them.

Also forget declined adhesion requests a year after the decision, as the "Données
personnelles" page promises.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from members import photos
from members.models import AdhesionRequest, Member, NameChangeRequest
from members.roles import sync_access

ANONYMOUS_FIRST_NAME = "Ancien membre"
DECLINED_REQUESTS_KEPT_FOR = datetime.timedelta(days=365)


def anonymous_username(member: Member) -> str:
    return f"ancien-membre-{member.pk}"


def members_to_anonymise() -> QuerySet:
    return Member.objects.filter(
        status=Member.Status.FORMER, anonymised_at__isnull=True
    ).select_related("user")


@transaction.atomic
def anonymise_member(member: Member) -> None:
    """Erase what identifies the person; keep colleges, status and consent date."""
    user = member.user
    _anonymise_adhesion_requests(member)
    # The photo's files too (Wagtail deletes them after the commit), and the names asked for.
    photos.remove_photo(member)
    NameChangeRequest.objects.filter(member=member).delete()
    user.username = anonymous_username(member)
    user.first_name, user.last_name, user.email = ANONYMOUS_FIRST_NAME, "", ""
    user.set_unusable_password()
    # Also inactive: no session, reset e-mail or other backend may let them in again.
    user.is_active = False
    user.save()

    member.phone = member.address = member.bio = member.fonction = ""
    member.visibility = {}
    member.show_full_name = False
    member.status = Member.Status.FORMER
    member.left_on = member.left_on or timezone.localdate()
    member.anonymised_at = timezone.now()
    member.pending_email, member.pending_email_requested_at = "", None
    member.expertise.clear()
    member.save()
    sync_access(member)


def _anonymise_adhesion_requests(member: Member) -> None:
    # Only the requests that created this account: others filed under the same address
    # may be someone else's, and are not this member's to erase.
    AdhesionRequest.objects.filter(member=member).update(
        first_name=ANONYMOUS_FIRST_NAME, last_name="", email="", phone="", message=""
    )


def anonymise_former_members() -> int:
    """Anonymise every former member not anonymised yet; return how many."""
    count = 0
    with transaction.atomic():
        for member in members_to_anonymise():
            anonymise_member(member)
            count += 1
    return count


def declined_requests_to_delete(now: datetime.datetime | None = None) -> QuerySet:
    """Declined adhesion requests decided more than a year ago."""
    limit = (now or timezone.now()) - DECLINED_REQUESTS_KEPT_FOR
    return AdhesionRequest.objects.filter(
        status=AdhesionRequest.Status.DECLINED, decided_at__lt=limit
    )


def delete_old_declined_requests(now: datetime.datetime | None = None) -> int:
    """Delete declined adhesion requests decided more than a year ago; return how many."""
    count, _ = declined_requests_to_delete(now).delete()
    return count
