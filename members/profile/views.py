"""The member's own profile, edited on the site at /mon-profil/, and their e-mail address."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from members import email_change
from members.models import Member
from members.permissions import can_change_member
from members.profile.forms import EmailChangeForm, ProfileForm


def _own_member(request: HttpRequest) -> Member | None:
    user = request.user
    if not user.is_authenticated:
        return None
    return Member.objects.select_related("user").filter(user=user).first()


def _own_editable_member(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view gets the logged-in person's member profile, which they may change."""

    @wraps(view)
    def with_member(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        member = _own_member(request)
        if member is None:
            # An account without a member profile (a technical account): nothing to edit.
            return render(request, "members/profile/no_profile.html", status=404)
        if not can_change_member(request.user, member):
            raise PermissionDenied
        return view(request, member, *args, **kwargs)

    return with_member


@login_required
@_own_editable_member
def edit_profile(request: HttpRequest, member: Member) -> HttpResponse:
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=member)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                form.save()
            messages.success(request, _("Votre profil a été enregistré."))
            return redirect("members:profile")
    return render(request, "members/profile/edit.html", {"form": form, "member": member})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@_own_editable_member
def change_email(request: HttpRequest, member: Member) -> HttpResponse:
    form = EmailChangeForm(request.POST if request.method == "POST" else None, user=member.user)
    if request.method == "POST" and form.is_valid():
        new_email = form.cleaned_data["new_email"]
        with transaction.atomic():
            email_change.request_change(member, new_email, by_user=request.user)
        messages.success(request, email_change.pending_message(new_email))
        return redirect("members:profile")
    return render(request, "members/profile/email_change.html", {"form": form, "member": member})


@login_required
@require_POST
def cancel_email_change(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    if member is not None and member.pending_email:
        with transaction.atomic():
            email_change.cancel_change(member, by_user=request.user)
        messages.success(
            request, _("Le changement d'adresse est annulé : votre adresse reste la même.")
        )
    return redirect("members:profile")


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what will change, POST changes it: mail scanners that open links only GET."""
    try:
        if request.method == "POST":
            by_user = request.user if request.user.is_authenticated else None
            member = email_change.confirm(token, by_user=by_user)
            return render(
                request, "members/profile/email_confirmed.html", {"email": member.user.email}
            )
        member = email_change.check(token)
    except email_change.EmailChangeRefused as refused:
        return render(
            request,
            "members/profile/email_confirm_refused.html",
            {"reason": refused.message},
            status=400,
        )
    return render(
        request,
        "members/profile/email_confirm.html",
        {"new_email": member.pending_email, "username": member.user.get_username()},
    )
