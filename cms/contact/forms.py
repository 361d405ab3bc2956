"""The contact form and the coordination's answer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.contact.models import (
    ANSWER_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    ContactMessage,
)
from members.adhesion.forms import HoneypotForm


def _too_long(sentence: str, limit: int) -> str:
    # « 5 000 » with a narrow no-break space, as French writes thousands.
    limit_text = f"{limit:,}".replace(",", "\u202f")
    return f"{sentence} : {limit_text} caractères au plus (actuellement %(show_value)s)."


class ContactForm(HoneypotForm, forms.ModelForm):
    """Subject, message, an optional reply address and, with it, the consent to keep it."""

    consent = forms.BooleanField(
        label=_(
            "J'accepte que la coordination garde mon adresse avec mon message, pour me répondre."
        ),
        required=False,
        help_text=_(
            "À cocher seulement si vous donnez une adresse : sans votre accord, nous ne la "
            "gardons pas. Le message et l'adresse sont effacés un an après leur réception."
        ),
    )

    class Meta:
        model = ContactMessage
        fields = ["subject", "message", "reply_email"]
        labels = {
            "subject": _("Objet"),
            "message": _("Votre message"),
            "reply_email": _("Adresse électronique pour vous répondre (facultatif)"),
        }
        help_texts = {
            "subject": _("En quelques mots. Par exemple : « Accès au dossier logement »."),
            "message": _(
                "5\u202f000 caractères au plus. Inutile d'y mettre des informations sur la "
                "santé ou la situation d'une personne accompagnée : la coordination vous les "
                "demandera si elle en a besoin."
            ),
            "reply_email": _(
                "Sans adresse, la coordination lira votre message mais ne pourra pas vous "
                "répondre. Exemple : prenom.nom@exemple.org"
            ),
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 8}),
            "reply_email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        error_messages = {
            "subject": {
                "required": _("Indiquez l'objet de votre message."),
                "max_length": _too_long("L'objet est trop long", SUBJECT_MAX_LENGTH),
            },
            "message": {
                "required": _("Écrivez votre message."),
                "max_length": _too_long("Le message est trop long", MESSAGE_MAX_LENGTH),
            },
            "reply_email": {
                "invalid": _(
                    "Cette adresse électronique n'est pas valide. "
                    "Elle doit ressembler à prenom.nom@exemple.org."
                ),
            },
        }

    def clean_subject(self) -> str:
        return " ".join(self.cleaned_data["subject"].split())

    def clean_reply_email(self) -> str:
        return self.cleaned_data["reply_email"].strip()

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("reply_email") and not cleaned.get("consent"):
            self.add_error(
                "consent",
                _(
                    "Vous avez donné une adresse pour la réponse : cochez cette case pour que "
                    "nous puissions la garder, ou effacez l'adresse."
                ),
            )
        return cleaned


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Votre réponse"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Elle est envoyée par courriel à l'adresse de réponse, suivie du message reçu. "
            "Elle est gardée ici avec le nom de la personne qui répond."
        ),
        error_messages={
            "required": _("Écrivez votre réponse."),
            "max_length": _too_long("La réponse est trop longue", ANSWER_MAX_LENGTH),
        },
    )
