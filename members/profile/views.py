"""The member's own profile, edited on the site at /mon-profil/, and their e-mail address."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from members import email_change, name_change, photos
from members.models import Member
from members.permissions import can_change_member
from members.profile.forms import EmailChangeForm, NameChangeForm, PhotoForm, ProfileForm
from members.visibility import MemberCard, Viewer, card_for

FormT = TypeVar("FormT", bound=forms.Form)


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


def _own_profile_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of one's own profile with a form: GET shows it, POST sends it. Never cached:
    it shows one person's own details."""
    return never_cache(
        login_required(require_http_methods(["GET", "POST"])(_own_editable_member(view)))
    )


def _own_profile_action(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A button of one's own profile: POST only."""
    return login_required(require_POST(_own_editable_member(view)))


def _form_of(request: HttpRequest, form_class: type[FormT], **kwargs: Any) -> FormT:
    """The form bound to what was posted, or empty on GET (then never valid)."""
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


def _own_card(request: HttpRequest, member: Member) -> MemberCard:
    """The member as they see themself: their photo and initials beside the form."""
    shown = photos.with_photo_renditions(
        # django-stubs cannot see that taggit's "expertise" manager supports prefetching.
        Member.objects.select_related("user").prefetch_related("memberships__college", "expertise")  # type: ignore[misc]
    ).get(pk=member.pk)
    return card_for(Viewer.of(request.user), shown)


def _render_profile(
    request: HttpRequest,
    member: Member,
    form: ProfileForm | None = None,
    photo_form: PhotoForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form or ProfileForm(instance=member),
        "photo_form": photo_form or PhotoForm(member=member),
        "member": member,
        "card": _own_card(request, member),
        "name_request": name_change.pending_request(member),
    }
    return render(request, "members/profile/edit.html", context, status=status)


@login_required
@_own_editable_member
def edit_profile(request: HttpRequest, member: Member) -> HttpResponse:
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=member)
        if form.is_valid():
            with transaction.atomic():
                form.save()
            messages.success(request, _("Votre profil a été enregistré."))
            return redirect("members:profile")
        return _render_profile(request, member, form=form)
    return _render_profile(request, member)


@_own_profile_action
def change_photo(request: HttpRequest, member: Member) -> HttpResponse:
    """A new photo and/or who may see it. A refused file changes nothing, not even the choice."""
    form = PhotoForm(request.POST, request.FILES, member=member)
    if not form.is_valid():
        return _render_profile(request, member, photo_form=form, status=400)
    new_photo = form.cleaned_data.get("photo") is not None
    with transaction.atomic():
        form.save(by_user=request.user)
    messages.success(
        request,
        _("Votre photo a été enregistrée.") if new_photo else _("Votre choix a été enregistré."),
    )
    return redirect(f"{reverse('members:profile')}#ma-photo")


@_own_profile_action
def remove_photo(request: HttpRequest, member: Member) -> HttpResponse:
    if photos.remove_photo(member, by_user=request.user):
        messages.success(request, _("Votre photo a été retirée : vos initiales la remplacent."))
    return redirect(f"{reverse('members:profile')}#ma-photo")


@_own_profile_page
def change_name(request: HttpRequest, member: Member) -> HttpResponse:
    form = _form_of(request, NameChangeForm, user=member.user)
    if form.is_valid():
        data = form.cleaned_data
        name_change.request_change(member, data["first_name"], data["last_name"], data["reason"])
        messages.success(
            request,
            _(
                "Votre demande est envoyée à la coordination. Votre nom changera dès qu'elle "
                "l'aura confirmée ; vous recevrez un courriel."
            ),
        )
        return redirect("members:profile")
    context = {"form": form, "member": member, "name_request": name_change.pending_request(member)}
    return render(request, "members/profile/name_change.html", context)


@_own_profile_action
def cancel_name_change(request: HttpRequest, member: Member) -> HttpResponse:
    if name_change.cancel(member):
        messages.success(request, _("Votre demande de changement de nom est annulée."))
    return redirect("members:profile")


@_own_profile_page
def change_email(request: HttpRequest, member: Member) -> HttpResponse:
    form = _form_of(request, EmailChangeForm, user=member.user)
    if form.is_valid():
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
