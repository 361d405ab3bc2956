"""The contact page: the form, open to everyone, and its acknowledgement (post/redirect/get)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cms.contact import services
from cms.contact.forms import ContactForm
from cms.contact.throttle import contact_refused_until

# What the acknowledgement page says after the redirect: whether an answer will come.
SENT_SESSION_KEY = "contact_sent"


def contact(request: HttpRequest) -> HttpResponse:
    form = ContactForm(
        request.POST if request.method == "POST" else None, initial=_initial(request)
    )
    status = 200
    if request.method == "POST":
        # Robots that fill the hidden field see the usual acknowledgement; nothing is kept.
        if form.is_spam:
            return _sent(request, reply_email="")
        if form.is_valid():
            refused_until = contact_refused_until(request)
            if refused_until is None:
                message = services.receive(form, request)
                return _sent(request, reply_email=message.reply_email)
            form.add_error(
                None,
                "Trop de messages ont été envoyés depuis cette connexion en peu de temps. "
                f"Réessayez après {refused_until:%H h %M} : votre texte est gardé ci-dessous.",
            )
            status = 429
    return render(request, "contact/form.html", {"form": form}, status=status)


def _initial(request: HttpRequest) -> dict:
    """A member's reply address is their account's, which they may change or erase."""
    if request.user.is_authenticated and request.user.email:
        return {"reply_email": request.user.email}
    return {}


def _sent(request: HttpRequest, *, reply_email: str) -> HttpResponse:
    request.session[SENT_SESSION_KEY] = {"reply_email": reply_email}
    return redirect("contact:sent")


def sent(request: HttpRequest) -> HttpResponse:
    """The acknowledgement: reloading it sends nothing again."""
    sent_info = request.session.get(SENT_SESSION_KEY)
    if sent_info is None:
        return redirect("contact:form")
    return render(request, "contact/sent.html", {"reply_email": sent_info.get("reply_email", "")})
