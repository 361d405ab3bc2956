"""/suivi/: followed dossiers, how to hear about them, the private feed, unsubscribing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cms.access import can_view_page
from cms.dossiers.pages import DossierPage
from cms.notifications import preferences
from cms.notifications.forms import FrequencyForm
from cms.notifications.models import Frequency
from cms.notifications.queries import followed_dossiers
from cms.notifications.tokens import regenerate_feed_token, user_from_unsubscribe_token
from shared.links import absolute_url

FOLLOWS_PER_PAGE = 20


def _visible_dossier(user, page_id: int) -> DossierPage:
    """The live dossier, or 404 — the same 404 whether it is missing, a draft or hidden."""
    dossier = DossierPage.objects.live().filter(pk=page_id).first()
    if dossier is None or not can_view_page(user, dossier):
        raise Http404
    return dossier


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = default
    return redirect(target)


@login_required
@require_POST
def follow(request: HttpRequest, page_id: int) -> HttpResponse:
    dossier = _visible_dossier(request.user, page_id)
    if preferences.follow(request.user, dossier):
        messages.success(request, f"Vous suivez désormais le dossier « {dossier.title} ».")
    else:
        messages.info(request, f"Vous suiviez déjà le dossier « {dossier.title} ».")
    return _back(request, dossier.url)


@login_required
@require_POST
def unfollow(request: HttpRequest, page_id: int) -> HttpResponse:
    dossier = DossierPage.objects.live().filter(pk=page_id).first()
    if dossier is None or not can_view_page(request.user, dossier):
        # Stopping still works for a dossier the person may no longer see (or that was
        # unpublished), but the answer is the 404 of a missing one: neither its title nor
        # its existence may be learnt from here.
        if dossier is None:
            dossier = DossierPage.objects.filter(pk=page_id).first()
        if dossier is not None:
            preferences.unfollow(request.user, dossier)
        raise Http404
    if preferences.unfollow(request.user, dossier):
        messages.success(request, f"Vous ne suivez plus le dossier « {dossier.title} ».")
    else:
        messages.info(request, f"Vous ne suiviez pas le dossier « {dossier.title} ».")
    return _back(request, reverse("notifications:index"))


def _feed_url(preference) -> str:
    if not preference.feed_token:
        return ""
    # From the site's one base: the address is pasted into a feed reader, read elsewhere.
    return absolute_url(reverse("feed_private", args=[preference.feed_token]))


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    preference = preferences.preference_for(request.user)
    form = FrequencyForm(
        request.POST if request.method == "POST" else None,
        initial={"frequency": preference.frequency},
    )
    if request.method == "POST":
        if form.is_valid():
            preference = preferences.set_frequency(request.user, form.cleaned_data["frequency"])
            messages.success(
                request, f"Votre choix est enregistré : {preference.get_frequency_display()}."
            )
            return redirect("notifications:index")
        messages.error(request, "Votre choix n’a pas été enregistré.")
    dossiers = Paginator(followed_dossiers(request.user), FOLLOWS_PER_PAGE)
    context = {
        "dossiers": dossiers.get_page(request.GET.get("page")),
        "form": form,
        "preference": preference,
        "feed_url": _feed_url(preference),
    }
    return render(request, "notifications/index.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def regenerate_feed(request: HttpRequest) -> HttpResponse:
    had_feed = bool(preferences.preference_for(request.user).feed_token)
    regenerate_feed_token(request.user)
    if had_feed:
        messages.success(
            request,
            "Votre flux privé a une nouvelle adresse. L’ancienne adresse ne fonctionne plus : "
            "mettez à jour votre lecteur de flux.",
        )
    else:
        messages.success(request, "Votre flux privé est créé : copiez son adresse ci-dessous.")
    return redirect(reverse("notifications:index") + "#flux-prive")


# Mail programs send the one-click POST (RFC 8058) without any CSRF token; the signed
# token in the address is what authorises it, and it can only turn e-mails off.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user = user_from_unsubscribe_token(token)
    if user is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        preferences.set_frequency(user, Frequency.NONE)
        return render(request, "notifications/unsubscribe_done.html")
    return render(request, "notifications/unsubscribe_confirm.html", {"token": token})
