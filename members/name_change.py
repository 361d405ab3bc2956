"""A member asks for a new name on « Mon profil »; coordination confirms or refuses it.

The account keeps its name until coordination confirms, in the admin (« Changements de
nom »): the name is what the convention knows a person by, and a pseudonym depends on it.
Coordination is told of each request by e-mail, the member of each decision; every step is
in Wagtail's audit log, without the names (members.audit).

E-mails go through Django's ``send_mail`` after the commit, as every e-mail of this
package: the site's e-mail backend is the outbox, which keeps and retries them.
"""

from __future__ import annotations

import logging
from functools import partial

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.log_actions import log

from members import audit
from members.adhesion.emails import coordination_emails
from members.models import AlreadyDecided, Member, NameChangeRequest
from shared.links import absolute_url

logger = logging.getLogger(__name__)

DECIDE_PERMISSION = "members.change_namechangerequest"

__all__ = ["AlreadyDecided", "accept", "cancel", "decline", "may_decide", "request_change"]


def pending_request(member: Member) -> NameChangeRequest | None:
    return member.name_change_requests.filter(status=NameChangeRequest.Status.PENDING).first()


def may_decide(user) -> bool:
    """Coordination decides: it holds the change permission on requests (members.roles)."""
    return bool(user.is_authenticated and user.has_perm(DECIDE_PERMISSION))


@transaction.atomic
def request_change(
    member: Member, first_name: str, last_name: str, reason: str = ""
) -> NameChangeRequest:
    """Record the request (a newer one replaces a pending one) and tell coordination."""
    Member.objects.select_for_update().filter(pk=member.pk).first()
    member.name_change_requests.filter(status=NameChangeRequest.Status.PENDING).update(
        status=NameChangeRequest.Status.CANCELLED, decided_at=timezone.now()
    )
    user = member.user
    request_obj = NameChangeRequest.objects.create(
        member=member,
        first_name=first_name,
        last_name=last_name,
        previous_first_name=user.first_name,
        previous_last_name=user.last_name,
        reason=reason,
    )
    log(instance=member, action=audit.NAME_CHANGE_REQUESTED, user=user)
    _notify_coordination(request_obj)
    return request_obj


@transaction.atomic
def cancel(member: Member) -> bool:
    """The member withdraws their pending request; False when there was none."""
    return bool(
        member.name_change_requests.filter(status=NameChangeRequest.Status.PENDING).update(
            status=NameChangeRequest.Status.CANCELLED, decided_at=timezone.now()
        )
    )


def _locked_pending(request_obj: NameChangeRequest) -> NameChangeRequest:
    return NameChangeRequest.locked_pending(request_obj.pk, "member__user")


@transaction.atomic
def accept(request_obj: NameChangeRequest, by_user, note: str = "") -> NameChangeRequest:
    """Give the member the new name; PermissionError for anyone but coordination."""
    if not may_decide(by_user):
        raise PermissionError("Seule la coordination confirme un changement de nom.")
    locked = _locked_pending(request_obj)
    user = locked.member.user
    user.first_name = locked.first_name
    user.last_name = locked.last_name
    user.save(update_fields=["first_name", "last_name"])
    locked.record_decision(NameChangeRequest.Status.ACCEPTED, by_user, note)
    log(instance=locked.member, action=audit.NAME_CHANGE_ACCEPTED, user=by_user)
    _tell_member(locked, "Votre nouveau nom est enregistré", "name_change_accepted")
    return locked


@transaction.atomic
def decline(request_obj: NameChangeRequest, by_user, note: str = "") -> NameChangeRequest:
    """Keep the name as it is and tell the member why; PermissionError but for coordination."""
    if not may_decide(by_user):
        raise PermissionError("Seule la coordination refuse un changement de nom.")
    locked = _locked_pending(request_obj)
    locked.record_decision(NameChangeRequest.Status.DECLINED, by_user, note)
    log(instance=locked.member, action=audit.NAME_CHANGE_DECLINED, user=by_user)
    _tell_member(locked, "Votre demande de changement de nom", "name_change_declined")
    return locked


def _admin_url(request_obj: NameChangeRequest) -> str:
    try:
        path = reverse("members_namechangerequest_modeladmin_inspect", args=[request_obj.pk])
    except NoReverseMatch:  # the admin is not registered (a bare test settings module)
        return ""
    return absolute_url(path)


def _notify_coordination(request_obj: NameChangeRequest) -> None:
    context = {"request_obj": request_obj, "admin_url": _admin_url(request_obj)}
    body = render_to_string("members/emails/name_change_notification.txt", context)
    # One message per person: coordinators do not see each other's addresses.
    for email in coordination_emails():
        _send_after_commit("Une demande de changement de nom à examiner", body, email)


def _tell_member(request_obj: NameChangeRequest, subject: str, template: str) -> None:
    email = request_obj.member.user.email
    if not email:
        return
    context = {
        "request_obj": request_obj,
        "profile_url": absolute_url(reverse("members:profile")),
        "contact_url": absolute_url(reverse("contact:form")),
    }
    body = render_to_string(f"members/emails/{template}.txt", context)
    _send_after_commit(subject, body, email)


def _send_after_commit(subject: str, body: str, to: str) -> None:
    # A rolled-back decision sends nothing; the answer never waits for the mail server.
    transaction.on_commit(partial(_send, subject, body, to), robust=True)


def _send(subject: str, body: str, to: str) -> None:
    try:
        send_mail(subject, body, None, [to])
    except Exception:
        logger.exception("Message « %s » non envoyé.", subject)
