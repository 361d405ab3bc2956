"""Forms of the adhesion feature: the public request form and the decline reason."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import AdhesionRequest, College, Organisation, Territory
from members.phone import clean_phone_number

# A field hidden from people (and from screen readers): only robots fill it in.
HONEYPOT_FIELD = "homepage"


class HoneypotForm(forms.Form):
    """The hidden field of the public forms (join, contact): a robot that fills it is spam."""

    homepage = forms.CharField(
        label=_("Laissez ce champ vide"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD))


class AdhesionForm(HoneypotForm, forms.ModelForm):
    """The public "Rejoindre la convention" form."""

    consent = forms.BooleanField(
        label=_(
            "J'accepte que la coordination de la convention utilise ces informations pour "
            "examiner ma demande et me répondre."
        ),
        help_text=_(
            "Vos informations ne sont ni publiées ni transmises à d'autres organismes. "
            "Vous pouvez demander leur suppression à tout moment en écrivant à la coordination."
        ),
        error_messages={
            "required": _("Cochez cette case pour que nous puissions traiter votre demande.")
        },
    )
    website = forms.URLField(
        label=_("Site internet de la structure (facultatif)"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("Par exemple : https://www.exemple.org"),
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
        error_messages={
            "invalid": _(
                "Cette adresse de site n'est pas valide (exemple : https://www.exemple.org)."
            )
        },
    )

    class Meta:
        model = AdhesionRequest
        fields = [
            "kind",
            "college",
            "territory",
            "organisation_name",
            "organisation_type",
            "website",
            "first_name",
            "last_name",
            "email",
            "phone",
            "fonction",
            "message",
        ]
        labels = {
            "kind": _("Vous demandez l'adhésion pour"),
            "college": _("Collège"),
            "territory": _("Territoire (facultatif)"),
            "organisation_name": _("Nom de la structure"),
            "organisation_type": _("Type de structure"),
            "first_name": _("Prénom"),
            "last_name": _("Nom"),
            "email": _("Adresse électronique"),
            "phone": _("Téléphone (facultatif)"),
            "fonction": _("Fonction (facultatif)"),
            "message": _("Message (facultatif)"),
        }
        help_texts = {
            "college": _(
                "Le collège qui correspond le mieux à votre place dans le travail social."
            ),
            "territory": _("Le territoire où vous agissez, si vous le connaissez."),
            "organisation_name": _("À remplir si vous demandez l'adhésion d'une structure."),
            "organisation_type": _("À remplir si vous demandez l'adhésion d'une structure."),
            "email": _("Nous vous répondrons à cette adresse. Exemple : prenom.nom@exemple.org"),
            "phone": _("Par exemple : 04 94 00 00 00"),
            "fonction": _("Par exemple : éducatrice spécialisée, bénévole, directeur."),
            "message": _("Ce que vous souhaitez nous dire sur votre demande."),
        }
        widgets = {
            "kind": forms.RadioSelect,
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "fonction": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "organisation_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "message": forms.Textarea(attrs={"rows": 5}),
        }
        error_messages = {
            "college": {"required": _("Choisissez un collège.")},
            "first_name": {"required": _("Indiquez votre prénom.")},
            "last_name": {"required": _("Indiquez votre nom.")},
            "email": {
                "required": _("Indiquez votre adresse électronique."),
                "invalid": _(
                    "Cette adresse électronique n'est pas valide. "
                    "Elle doit ressembler à prenom.nom@exemple.org."
                ),
            },
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        college = self.fields["college"]
        territory = self.fields["territory"]
        organisation_type = self.fields["organisation_type"]
        # The model form made them from foreign keys and a field with choices.
        assert isinstance(college, forms.ModelChoiceField)
        assert isinstance(territory, forms.ModelChoiceField)
        assert isinstance(organisation_type, forms.ChoiceField)
        college.queryset = College.objects.all()
        college.empty_label = _("Choisissez un collège")
        territory.queryset = Territory.objects.all()
        territory.empty_label = _("Non précisé")
        # The model's types, after a blank choice of our own wording.
        organisation_type.choices = [("", _("Choisissez un type")), *Organisation.Type.choices]

    def clean_email(self) -> str:
        # No check against pending requests here: an error would tell anyone whether an
        # address has a request in progress (the view answers every case the same way).
        return self.cleaned_data["email"].strip()

    def clean_phone(self) -> str:
        return clean_phone_number(self.cleaned_data["phone"])

    def has_pending_request(self) -> bool:
        """True when a request made with this address (any case) is still being examined."""
        return AdhesionRequest.objects.filter(
            email__iexact=self.cleaned_data["email"], status=AdhesionRequest.Status.PENDING
        ).exists()

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("kind") == AdhesionRequest.Kind.ORGANISATION:
            if not cleaned.get("organisation_name"):
                self.add_error(
                    "organisation_name",
                    _("Pour une demande au nom d'une structure, indiquez le nom de la structure."),
                )
            if not cleaned.get("organisation_type"):
                self.add_error(
                    "organisation_type",
                    _("Pour une demande au nom d'une structure, choisissez son type."),
                )
        else:
            # A personal request carries no structure, whatever was typed in those fields.
            for name in ("organisation_name", "organisation_type", "website"):
                cleaned[name] = ""
        return cleaned


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ce motif est repris dans le courriel envoyé à la personne."),
    )
