"""The member's own profile, edited on the site at /mon-profil/."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from members.models import Member
from members.permissions import can_change_member
from members.profile.forms import ProfileForm


@login_required
def edit_profile(request: HttpRequest) -> HttpResponse:
    member = Member.objects.select_related("user").filter(user=request.user).first()
    if member is None:
        # An account without a member profile (a technical account): nothing to edit.
        return render(request, "members/profile/no_profile.html", status=404)
    if not can_change_member(request.user, member):
        raise PermissionDenied
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=member)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                form.save()
            messages.success(request, _("Votre profil a été enregistré."))
            return redirect("members:profile")
    return render(request, "members/profile/edit.html", {"form": form, "member": member})
