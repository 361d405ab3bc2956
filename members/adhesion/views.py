"""Public pages of the adhesion feature: the form, its confirmation, the first password."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.generic import TemplateView

from members.adhesion import emails, services
from members.adhesion.forms import AdhesionForm


def adhesion(request: HttpRequest) -> HttpResponse:
    """The "Rejoindre la convention" form, open to everyone."""
    form = AdhesionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        # Robots that fill the hidden field see the usual confirmation, and nothing is kept.
        if form.is_spam:
            return redirect("members:adhesion_done")
        if form.is_valid():
            # Same answer whether or not the address already has a request in progress, so
            # that the form does not reveal it; only the address's owner hears about it.
            if form.has_pending_request():
                emails.send_already_pending(form.cleaned_data["email"])
            else:
                services.submit(form)
            return redirect("members:adhesion_done")
    return render(request, "members/adhesion/form.html", {"form": form})


adhesion_done = TemplateView.as_view(template_name="members/adhesion/done.html")


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The new member chooses their first password from the link of the welcome e-mail."""

    template_name = "members/adhesion/set_password.html"
    success_url = reverse_lazy("members:adhesion_password_done")


set_password_done = TemplateView.as_view(template_name="members/adhesion/password_done.html")
