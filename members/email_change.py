"""Changing a member's e-mail address: it only takes effect through a link sent to the new one.

Whoever asks (the member on « Mon profil », a referent or coordination in the admin), the
new address is kept aside in ``Member.pending_email``; the account keeps its old address,
and password resets keep going there, until someone opens the confirmation link sent to
the new address. The old address is told at once, so an unwanted change is noticed.

The link is signed and expires after ``MAX_AGE``. It carries a fingerprint of the current
and pending addresses, so it serves once: after a confirmation, a newer request or a
cancellation, the fingerprint no longer matches.
"""

from __future__ import annotations

import datetime
import logging
from functools import partial

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from wagtail.log_actions import log

from members import audit
from members.models import Member
from shared.links import absolute_url

logger = logging.getLogger(__name__)

MAX_AGE = datetime.timedelta(days=3)
SALT = "members.email_change"
ADDRESS_TAKEN = (
    "Cette adresse est désormais celle d'un autre compte : elle ne peut pas remplacer "
    "celle-ci. L'adresse du compte n'a pas changé."
)


class EmailChangeRefused(Exception):
    """A confirmation link that cannot be used; ``message`` says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def valid_days() -> int:
    return max(1, MAX_AGE.days)


def address_taken(email: str, member: Member | None = None) -> bool:
    """Whether another account than ``member``'s has this address (case ignored)."""
    users = get_user_model().objects.filter(email__iexact=email)
    if member is not None:
        users = users.exclude(pk=member.user_id)
    return users.exists()


def pending_message(email: str) -> str:
    return (
        f"Un lien de confirmation a été envoyé à {email}. L'adresse actuelle reste en "
        f"service tant que ce lien n'a pas été ouvert (il est valable {valid_days()} jours)."
    )


def _fingerprint(member: Member) -> str:
    requested_at = member.pending_email_requested_at
    value = "|".join(
        [
            str(member.pk),
            member.user.email.lower(),
            member.pending_email.lower(),
            requested_at.isoformat() if requested_at else "",
        ]
    )
    return salted_hmac(SALT, value).hexdigest()[:32]


def make_token(member: Member) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object(
        {"m": member.pk, "f": _fingerprint(member)}
    )


def confirmation_url(member: Member) -> str:
    return absolute_url(reverse("members:email_confirm", kwargs={"token": make_token(member)}))


def request_change(member: Member, new_email: str, by_user=None) -> bool:
    """Keep ``new_email`` aside until confirmed; send the link and the notice after commit.

    Returns False, doing nothing, when the address is already the account's. An address
    another account has is not kept: its owner is told by e-mail instead.
    """
    new_email = new_email.strip()
    user = member.user
    if new_email.lower() == user.email.lower():
        return False
    if address_taken(new_email, member):
        # Same answer as for a free address, so the form tells no one which addresses have
        # an account; the owner of that address learns why nothing happens.
        _send_after_commit(
            "Votre adresse électronique a déjà un compte",
            "members/emails/email_change_taken.txt",
            {"member": member, "valid_days": valid_days()},
            new_email,
        )
        return True
    member.pending_email = new_email
    member.pending_email_requested_at = timezone.now()
    member.save(update_fields=["pending_email", "pending_email_requested_at"])
    by_other = by_user is not None and by_user.pk != user.pk
    context = {
        "member": member,
        "user": user,
        "old_email": user.email,
        "new_email": new_email,
        "by_other": by_other,
        "by_name": (by_user.get_full_name() or by_user.get_username()) if by_other else "",
        "confirm_url": confirmation_url(member),
        "valid_days": valid_days(),
        "profile_url": absolute_url(reverse("members:profile")),
    }
    _send_after_commit(
        "Confirmez votre nouvelle adresse électronique",
        "members/emails/email_change_confirm.txt",
        context,
        new_email,
    )
    if user.email:
        _send_after_commit(
            "Demande de changement de votre adresse électronique",
            "members/emails/email_change_notice.txt",
            context,
            user.email,
        )
    return True


def cancel_change(member: Member, by_user=None) -> None:
    """Forget the pending address: its link stops working."""
    if not member.pending_email:
        return
    member.pending_email = ""
    member.pending_email_requested_at = None
    member.save(update_fields=["pending_email", "pending_email_requested_at"])
    log(instance=member, action=audit.EMAIL_CHANGE_CANCELLED, user=by_user)


def _member_of(token: str, *, lock: bool = False) -> Member:
    signer = signing.TimestampSigner(salt=SALT)
    try:
        payload = signer.unsign_object(token, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise EmailChangeRefused(
            f"Ce lien a expiré : il n'est valable que {valid_days()} jours. Demandez de "
            "nouveau le changement d'adresse depuis « Mon profil »."
        ) from None
    except (signing.BadSignature, ValueError):
        raise EmailChangeRefused(
            "Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier depuis le message."
        ) from None
    members = Member.objects.select_related("user")
    if lock:
        members = members.select_for_update()
    member_id = payload.get("m") if isinstance(payload, dict) else None
    member = members.filter(pk=member_id).first() if member_id is not None else None
    if (
        member is None
        or not member.pending_email
        or not constant_time_compare(str(payload.get("f", "")), _fingerprint(member))
    ):
        raise EmailChangeRefused(
            "Ce lien a déjà servi, ou une demande plus récente l'a remplacé. L'adresse du "
            "compte n'a pas changé."
        )
    return member


def check(token: str) -> Member:
    """The member whose pending address this link confirms; EmailChangeRefused otherwise."""
    member = _member_of(token)
    if address_taken(member.pending_email, member):
        raise EmailChangeRefused(ADDRESS_TAKEN)
    return member


@transaction.atomic
def confirm(token: str, by_user=None) -> Member:
    """Make the pending address the account's, once; EmailChangeRefused otherwise."""
    member = _member_of(token, lock=True)
    if address_taken(member.pending_email, member):
        raise EmailChangeRefused(ADDRESS_TAKEN)
    user = member.user
    user.email = member.pending_email
    user.save(update_fields=["email"])
    member.pending_email = ""
    member.pending_email_requested_at = None
    member.save(update_fields=["pending_email", "pending_email_requested_at"])
    log(instance=member, action=audit.EMAIL_CONFIRMED, user=by_user)
    return member


def _send_after_commit(subject: str, template: str, context: dict, to: str) -> None:
    # After commit: a rolled-back change sends nothing. The answer to the person never
    # waits for, nor depends on, the mail server.
    transaction.on_commit(partial(_send, subject, template, context, to), robust=True)


def _send(subject: str, template: str, context: dict, to: str) -> None:
    try:
        send_mail(subject, render_to_string(template, context), None, [to])
    except Exception:
        logger.exception("Message « %s » non envoyé (membre %s).", subject, context["member"].pk)
