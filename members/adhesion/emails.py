"""The e-mails of the adhesion feature, written from templates/members/emails/."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail, send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from members.models import AdhesionRequest
from members.roles import COORDINATION_GROUP
from shared.links import absolute_url


def coordination_emails() -> list[str]:
    """Addresses of the active coordination accounts."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=COORDINATION_GROUP)
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def requester(request_obj: AdhesionRequest) -> str:
    """The structure's name, or the person's for a personal request."""
    return request_obj.organisation_name or f"{request_obj.first_name} {request_obj.last_name}"


def _render(name: str, context: dict) -> str:
    return render_to_string(f"members/emails/adhesion_{name}.txt", context)


def send_acknowledgement(request_obj: AdhesionRequest) -> None:
    body = _render("received", {"request_obj": request_obj})
    send_mail(
        "Votre demande d'adhésion à la convention a bien été reçue",
        body,
        None,
        [request_obj.email],
    )


def notify_coordination(request_obj: AdhesionRequest) -> None:
    recipients = coordination_emails()
    if not recipients:
        return
    context = {
        "request_obj": request_obj,
        "admin_url": absolute_url(
            reverse("members_adhesionrequest_modeladmin_inspect", args=[request_obj.pk])
        ),
    }
    subject = f"Nouvelle demande d'adhésion : {requester(request_obj)}"
    body = _render("notification", context)
    # One message per person: coordinators do not see each other's addresses.
    send_mass_mail([(subject, body, None, [email]) for email in recipients])


def set_password_url(user) -> str:
    path = reverse(
        "members:adhesion_set_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return absolute_url(path)


def send_welcome(request_obj: AdhesionRequest, user) -> None:
    context = {
        "request_obj": request_obj,
        "user": user,
        "set_password_url": set_password_url(user),
        "login_url": absolute_url(reverse("login")),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    send_mail(
        "Bienvenue dans la convention : choisissez votre mot de passe",
        _render("accepted", context),
        None,
        [user.email],
    )


def send_declined(request_obj: AdhesionRequest) -> None:
    send_mail(
        "Votre demande d'adhésion à la convention",
        _render("declined", {"request_obj": request_obj}),
        None,
        [request_obj.email],
    )


def send_already_pending(email: str) -> None:
    """Tell the address's owner that a new request was not kept, one being examined already."""
    send_mail(
        "Votre demande d'adhésion à la convention est déjà en cours d'examen",
        render_to_string("members/emails/adhesion_already_pending.txt"),
        None,
        [email],
    )
