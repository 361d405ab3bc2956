"""The two-factor pages: verification after the password, and setting up a device."""

from __future__ import annotations

from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views import View
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from members.security.forms import CodeForm
from members.security.two_factor import (
    forget_state,
    requires_two_factor,
    session_verified,
    with_next,
)

RECOVERY_CODES = 10
APP_DEVICE_NAME = "Application d’authentification"
RECOVERY_DEVICE_NAME = "Codes de secours"


def safe_next(request: HttpRequest) -> str:
    """Where to go after the code: ``next`` if it is on this site, else the usual home."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    if request.user.has_perm("wagtailadmin.access_admin"):
        return reverse("wagtailadmin_home")
    return settings.LOGIN_REDIRECT_URL


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with new ones; the only time they can be read."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def qr_code_svg(data: str) -> str:
    """The QR code of ``data`` as inline SVG markup: drawn here, fetched from nowhere."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return image.to_string(encoding="unicode")


def grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def render_codes(request: HttpRequest, codes: list[str]) -> HttpResponse:
    return render(
        request,
        "registration/two_factor_codes.html",
        {"codes": codes, "next": safe_next(request)},
    )


@method_decorator(login_required, name="dispatch")
class VerifyView(View):
    """The step after the password: a code of the app, or a recovery code."""

    template_name = "registration/two_factor_verify.html"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if request.user.is_authenticated and (
            session_verified(request.user)
            or not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
        ):
            return redirect(safe_next(request))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show(request, CodeForm())

    def show(self, request: HttpRequest, form: CodeForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
            status=status,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self.show(request, form)
        code = form.cleaned_data["code"]
        # Six digits are the app's, anything else a recovery code: a recovery code must not
        # count as a wrong app code (and slow the next one down), nor the reverse.
        kind = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
        device, throttled = None, False
        with transaction.atomic():
            candidates = kind.objects.devices_for_user(request.user, confirmed=True)
            for candidate in candidates.select_for_update():
                allowed, _ = candidate.verify_is_allowed()
                throttled = throttled or not allowed
                if allowed and candidate.verify_token(code):
                    device = candidate
                    break
        if device is None:
            form.add_error(
                "code",
                "Trop d’essais erronés : attendez quelques secondes avant de réessayer."
                if throttled
                else "Ce code n’est pas valable. Vérifiez l’heure de votre téléphone, "
                "ou utilisez un code de secours.",
            )
            return self.show(request, form)
        django_otp.login(request, device)
        forget_state(request.user)
        if isinstance(device, StaticDevice):
            left = device.token_set.count()
            messages.warning(
                request,
                f"Vous avez utilisé un code de secours : il vous en reste {left}. "
                "Générez-en de nouveaux depuis la page « Double authentification ».",
            )
        return redirect(safe_next(request))


@method_decorator(login_required, name="dispatch")
class SetupView(View):
    """Set up an authenticator app, see its state, renew recovery codes or turn it off."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.app = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        # Whoever holds only the password may not replace or remove the device.
        if self.app is not None and not session_verified(user):
            return redirect(with_next(reverse("two_factor_verify"), request.get_full_path()))
        return super().dispatch(request, *args, **kwargs)

    def pending_device(self, user) -> TOTPDevice:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
        return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)

    def get(self, request: HttpRequest) -> HttpResponse:
        if self.app is not None:
            return self.show_status(request)
        return self.show_setup(request, self.pending_device(request.user), CodeForm())

    def show_status(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "registration/two_factor_status.html",
            {
                "device": self.app,
                "codes_left": StaticToken.objects.filter(device__user=request.user).count(),
                "required": requires_two_factor(request.user),
            },
        )

    def show_setup(
        self, request: HttpRequest, device: TOTPDevice, form: CodeForm, status: int = 200
    ) -> HttpResponse:
        return render(
            request,
            "registration/two_factor_setup.html",
            {
                "form": form,
                # Safe: the SVG is drawn by the qrcode library, not from user input.
                "qr_code": mark_safe(qr_code_svg(device.config_url)),
                "secret": grouped(b32encode(device.bin_key).decode()),
                "otpauth_url": device.config_url,
                "required": requires_two_factor(request.user),
                "next": request.POST.get("next") or request.GET.get("next", ""),
            },
            status=status,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action")
        user = request.user
        if self.app is None:
            return self.confirm(request)
        if action == "codes":
            return render_codes(request, new_recovery_codes(user))
        if action == "disable" and not requires_two_factor(user):
            for device in devices_for_user(user, confirmed=None):
                device.delete()
            forget_state(user)
            messages.success(request, "La double authentification est désactivée.")
            return redirect("two_factor_setup")
        return self.show_status(request)

    def confirm(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        device = self.pending_device(user)
        form = CodeForm(request.POST)
        if form.is_valid() and not device.verify_token(form.cleaned_data["code"]):
            form.add_error(
                "code",
                "Ce code n’est pas valable. Saisissez le code affiché en ce moment par "
                "l’application, avant qu’il ne change.",
            )
        if not form.is_valid():
            return self.show_setup(request, device, form)
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            codes = new_recovery_codes(user)
        django_otp.login(request, device)
        forget_state(user)
        return render_codes(request, codes)
