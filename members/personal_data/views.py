"""« Mes données » : what we store about a member, a JSON copy, and a removal request."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from members.models import Member
from members.personal_data.export import SPREADSHEET_HEADER, personal_data, personal_data_rows
from members.roles import COORDINATION_GROUP
from shared.links import absolute_url
from shared.spreadsheet import csv_bytes, xlsx_bytes

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

FIELD_NAMES = {
    "email": "Adresse électronique",
    "phone": "Téléphone",
    "address": "Adresse postale",
    "bio": "Présentation",
    "expertise": "Expertises",
    "photo": "Photo",
}


def _member(request: HttpRequest) -> Member | None:
    user = request.user
    if not user.is_authenticated:
        return None
    return Member.objects.filter(user=user).first()


@never_cache
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    context = {
        "member": member,
        "colleges": member.memberships.select_related("college") if member else [],
        "contribution_count": member.contributions.count() if member else 0,
        "visibility": _visibility(member),
    }
    return render(request, "members/personal_data/overview.html", context)


def _visibility(member: Member | None) -> list[tuple[str, StrOrPromise]]:
    if member is None:
        return []
    labels = dict(Member.Visibility.choices)
    return [(name, labels[member.visibility_of(field)]) for field, name in FIELD_NAMES.items()]


@never_cache
@login_required
def download(request: HttpRequest) -> HttpResponse:
    """Everything about the logged-in person, and nobody else, as a JSON attachment."""
    data = personal_data(request.user, request)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"mes-donnees-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


SPREADSHEETS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@never_cache
@login_required
def download_spreadsheet(request: HttpRequest, kind: str) -> HttpResponse:
    """The same copy as the JSON file, one row per piece of information (CSV or XLSX)."""
    rows = personal_data_rows(personal_data(request.user, request))
    if kind == "csv":
        body = csv_bytes(SPREADSHEET_HEADER, rows)
    else:
        body = xlsx_bytes(SPREADSHEET_HEADER, rows, title="Mes données")
    response = HttpResponse(body, content_type=SPREADSHEETS[kind])
    filename = f"mes-donnees-{timezone.localdate():%Y-%m-%d}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def request_removal(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if member is None:
        messages.error(
            request, "Votre compte n'a pas de profil de membre : écrivez à la coordination."
        )
        return redirect("members:personal_data")
    if request.method == "POST" and member.removal_requested_at is None:
        member.removal_requested_at = timezone.now()
        member.save(update_fields=["removal_requested_at"])
        notify_coordination(member)
        messages.success(
            request,
            "Votre demande de suppression est enregistrée. La coordination vous répondra "
            "dans un délai d'un mois au plus.",
        )
        return redirect("members:personal_data")
    if request.method == "POST":
        return redirect("members:personal_data")
    return render(request, "members/personal_data/request_removal.html", {"member": member})


def coordination_emails() -> list[str]:
    users = get_user_model().objects.filter(is_active=True, groups__name=COORDINATION_GROUP)
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def notify_coordination(member: Member) -> None:
    recipients = coordination_emails()
    if not recipients:
        logger.warning("Demande de suppression du membre %s : aucun destinataire.", member.pk)
        return
    try:
        path = reverse("members_member_modeladmin_edit", args=[member.pk])
        admin_url = absolute_url(path)
    except NoReverseMatch:
        admin_url = ""
    context = {"member": member, "user": member.user, "admin_url": admin_url}
    subject = render_to_string("members/emails/personal_data_removal_subject.txt", context)
    body = render_to_string("members/emails/personal_data_removal_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, recipients)
