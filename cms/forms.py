from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from shared.links import absolute_url


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Identifiant"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "Identifiant ou mot de passe incorrect. Vérifiez les majuscules et réessayez."
        ),
        "inactive": _("Ce compte est désactivé. Contactez la coordination."),
    }


class ForgottenPasswordForm(PasswordResetForm):
    """Asks for the e-mail address of the account whose password is forgotten."""

    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        max_length=254,
        help_text=_("L'adresse que vous avez donnée lors de votre adhésion."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Indiquez votre adresse e-mail."),
            "invalid": _("Cette adresse e-mail n'est pas valide. Exemple : prenom.nom@exemple.fr"),
        },
    )

    def get_users(self, email: str):
        """Active accounts with this address, also those whose first password is not chosen yet.

        Django leaves out accounts without a usable password; here such an account belongs
        to a new member who lost the welcome e-mail, and this link is the way to set it.
        """
        email_field = get_user_model().get_email_field_name()
        users = get_user_model()._default_manager.filter(
            **{f"{email_field}__iexact": email, "is_active": True}
        )
        return (user for user in users if getattr(user, email_field).lower() == email.lower())

    def save(self, *args, extra_email_context: dict | None = None, **kwargs) -> None:
        # The link in the e-mail starts with BASE_URL, never with the request's Host header.
        context = {
            "base_url": absolute_url(),
            **(extra_email_context or {}),
        }
        # Django's view passes keywords only: no positional argument takes this one's place.
        super().save(*args, extra_email_context=context, **kwargs)  # type: ignore[misc]


class AdminLoginForm(WagtailLoginForm):
    """Wagtail's login form with its fields labelled in French.

    Wagtail gives its password field no label, so Django shows the field's name,
    « Password », which no catalogue can translate.
    """

    username = forms.CharField(
        label=_("Identifiant"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
