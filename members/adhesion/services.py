"""What happens to an adhesion request: submitted, accepted or declined."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from members.adhesion import emails
from members.adhesion.forms import AdhesionForm
from members.models import (
    AdhesionRequest,
    AlreadyDecided,
    CollegeMembership,
    Member,
    Organisation,
)
from members.roles import apply_roles

__all__ = ["AlreadyDecided", "EmailAlreadyUsed", "accept", "decline", "submit", "unique_value"]


class EmailAlreadyUsed(Exception):
    """An account already has the request's e-mail address: a second one would be a duplicate."""

    def __init__(self, username: str) -> None:
        super().__init__(username)
        self.username = username


def submit(form: AdhesionForm) -> AdhesionRequest:
    """Save a valid public request, then tell the requester and coordination."""
    request_obj = form.save(commit=False)
    request_obj.status = AdhesionRequest.Status.PENDING
    request_obj.consent_at = timezone.now()
    request_obj.save()
    emails.send_acknowledgement(request_obj)
    emails.notify_coordination(request_obj)
    return request_obj


def unique_value(model: type[models.Model], field: str, base: str, max_length: int) -> str:
    """``base``, or ``base-2``, ``base-3``… : the first value of ``field`` not taken yet."""
    base = base[:max_length]
    candidate, number = base, 1
    while model._default_manager.filter(**{field: candidate}).exists():
        number += 1
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)] + suffix
    return candidate


def _create_organisation(request_obj: AdhesionRequest, today) -> Organisation:
    base = slugify(request_obj.organisation_name) or "structure"
    return Organisation.objects.create(
        name=request_obj.organisation_name,
        slug=unique_value(Organisation, "slug", base, 100),
        type=request_obj.organisation_type or Organisation.Type.AUTRE,
        college=request_obj.college,
        territory=request_obj.territory,
        website=request_obj.website,
        adhesion_date=today,
        status=Organisation.Status.ACTIVE,
    )


def _create_user(request_obj: AdhesionRequest):
    base = slugify(f"{request_obj.first_name} {request_obj.last_name}") or "membre"
    user = get_user_model()(
        username=unique_value(get_user_model(), "username", base, 150),
        email=request_obj.email,
        first_name=request_obj.first_name,
        last_name=request_obj.last_name,
    )
    # The new member chooses a password through the link sent by e-mail.
    user.set_unusable_password()
    user.save()
    return user


def accept(request_obj: AdhesionRequest, by_user) -> Member:
    """Create the structure (if any), the account and the member; then send the welcome."""
    today = timezone.localdate()
    with transaction.atomic():
        request_obj = AdhesionRequest.locked_pending(request_obj.pk)
        existing = get_user_model().objects.filter(email__iexact=request_obj.email).first()
        if existing is not None:
            raise EmailAlreadyUsed(existing.get_username())
        organisation = None
        if request_obj.kind == AdhesionRequest.Kind.ORGANISATION:
            organisation = _create_organisation(request_obj, today)
        user = _create_user(request_obj)
        member = Member.objects.create(
            user=user,
            organisation=organisation,
            territory=request_obj.territory,
            fonction=request_obj.fonction,
            phone=request_obj.phone,
            status=Member.Status.ACTIVE,
            consent_at=request_obj.consent_at,
            joined_on=today,
        )
        CollegeMembership.objects.create(member=member, college=request_obj.college, since=today)
        apply_roles(member, ["member"])
        request_obj.record_decision(
            AdhesionRequest.Status.ACCEPTED, by_user, member=member, organisation=organisation
        )
    # Sent once the account exists for sure: the link would be useless otherwise.
    emails.send_welcome(request_obj, user)
    return member


def decline(request_obj: AdhesionRequest, by_user, reason: str = "") -> AdhesionRequest:
    """Mark the request declined and tell the requester, politely."""
    with transaction.atomic():
        request_obj = AdhesionRequest.locked_pending(request_obj.pk)
        request_obj.record_decision(AdhesionRequest.Status.DECLINED, by_user, reason)
    emails.send_declined(request_obj)
    return request_obj
