"""The member's own profile form: what they tell, and who may see each contact field."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Member
from members.phone import clean_phone_number
from members.photos import CleanPhoto, PhotoRefused, clean_upload, set_photo
from members.visibility import ACCOMPANIED_COLLEGE, address_contains_surname, is_pseudonymised

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The levels in plain words, from the widest audience to none.
VISIBILITY_CHOICES = [
    (Member.Visibility.PUBLIC, _("Tout le monde")),
    (Member.Visibility.MEMBERS, _("Les membres de la convention")),
    (Member.Visibility.COLLEGE, _("Les membres de mes collèges")),
    (Member.Visibility.HIDDEN, _("Personne (moi seul·e)")),
]
VISIBILITY_LABELS = {
    "email": _("Qui peut voir mon adresse électronique ?"),
    "phone": _("Qui peut voir mon téléphone ?"),
    "address": _("Qui peut voir mon adresse ?"),
    "bio": _("Qui peut voir ma présentation ?"),
    "expertise": _("Qui peut voir mes expertises ?"),
}
ADDRESS_MAX_LENGTH = 500
BIO_MAX_LENGTH = 2000
TAG_MAX_LENGTH = 100  # taggit's Tag.name
MAX_TAGS = 20
EMAIL_WITH_SURNAME_FIELD = "show_email_with_surname"


def visibility_field_name(field: str) -> str:
    return f"visibility_{field}"


def visibility_field(
    label: StrOrPromise,
    choices: list,
    required_message: StrOrPromise,
    initial: str | None = None,
) -> forms.ChoiceField:
    """Who may see one of the member's details: a radio button for each audience."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        initial=initial,
        widget=forms.RadioSelect,
        error_messages={
            "required": required_message,
            "invalid_choice": _(
                "Ce choix n'existe pas. Choisissez l'une des possibilités proposées."
            ),
        },
    )


def parse_expertise(text: str) -> list[str]:
    """Comma-separated expertises, trimmed, without empty entries or repeats."""
    seen: dict[str, str] = {}
    for part in text.split(","):
        name = " ".join(part.split())
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())


class ProfileForm(forms.ModelForm):
    """Fonction, contact fields, expertise and, for each contact field, its audience."""

    expertise_text = forms.CharField(
        label=_("Mes expertises"),
        required=False,
        max_length=1000,
        help_text=_("Séparez-les par des virgules. Par exemple : logement, accès aux droits."),
    )
    # Text fields of the model have no length limit: the form sets a reasonable one.
    address = forms.CharField(
        label=_("Mon adresse"),
        required=False,
        max_length=ADDRESS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    bio = forms.CharField(
        label=_("Ma présentation"),
        required=False,
        max_length=BIO_MAX_LENGTH,
        help_text=_("Quelques lignes sur vous et ce que vous faites dans la convention."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    class Meta:
        model = Member
        fields = ["fonction", "phone", "address", "bio", "show_full_name"]
        labels = {
            "fonction": _("Ma fonction"),
            "phone": _("Mon téléphone"),
            "show_full_name": _("Afficher mon nom de famille en entier"),
        }
        help_texts = {
            "fonction": _("Par exemple : éducatrice spécialisée, bénévole, directeur."),
            "phone": _("Par exemple : 04 94 00 00 00"),
            "show_full_name": _(
                "Sans cette case cochée, seuls votre prénom et l'initiale de votre nom "
                "sont affichés."
            ),
        }
        widgets = {
            "fonction": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        member: Member = self.instance
        self.fields["expertise_text"].initial = ", ".join(
            tag.name for tag in member.expertise.all()
        )
        # Only people of the accompanied college are pseudonymised: the choice is theirs alone.
        if not member.memberships.filter(college__slug=ACCOMPANIED_COLLEGE).exists():
            del self.fields["show_full_name"]
        self._add_email_surname_choice(member)
        for name, label in VISIBILITY_LABELS.items():
            self.fields[visibility_field_name(name)] = visibility_field(
                label,
                VISIBILITY_CHOICES,
                _("Choisissez qui peut voir ce champ."),
                initial=member.visibility_of(name),
            )

    def _add_email_surname_choice(self, member: Member) -> None:
        """An address that spells a hidden surname is withheld unless its owner says so.

        The box only appears when it matters (pseudonymised, and the address holds the
        surname); ticking it records that very address, so a new one asks again.
        """
        user = member.user
        slugs = set(member.memberships.values_list("college__slug", flat=True))
        if not (
            is_pseudonymised(member, slugs) and address_contains_surname(user.email, user.last_name)
        ):
            return
        self.fields[EMAIL_WITH_SURNAME_FIELD] = forms.BooleanField(
            label=_("Montrer quand même mon adresse électronique, avec mon nom de famille"),
            required=False,
            initial=member.email_shown_with_surname.casefold() == user.email.casefold(),
            help_text=_(
                "Si vous cochez cette case, les personnes choisies ci-dessus verront votre "
                "adresse, et donc votre nom de famille en entier. Sinon, elle reste visible de "
                "vous seul·e et de la coordination."
            ),
        )

    def email_with_surname_field(self) -> forms.BoundField | None:
        """The box of the warning, if the address tells the hidden surname."""
        if EMAIL_WITH_SURNAME_FIELD in self.fields:
            return self[EMAIL_WITH_SURNAME_FIELD]
        return None

    def visibility_fields(self) -> list[forms.BoundField]:
        return [self[visibility_field_name(name)] for name in VISIBILITY_LABELS]

    def clean_phone(self) -> str:
        return clean_phone_number(self.cleaned_data["phone"])

    def clean_expertise_text(self) -> list[str]:
        names = parse_expertise(self.cleaned_data["expertise_text"])
        if len(names) > MAX_TAGS:
            raise forms.ValidationError(
                _("Indiquez au plus %(max)d expertises.") % {"max": MAX_TAGS}
            )
        too_long = [name for name in names if len(name) > TAG_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("Chaque expertise doit faire au plus %(max)d caractères.")
                % {"max": TAG_MAX_LENGTH}
            )
        return names

    def save(self, commit: bool = True) -> Member:
        member: Member = super().save(commit=False)
        member.visibility = {
            **member.visibility,
            **{name: self.cleaned_data[visibility_field_name(name)] for name in VISIBILITY_LABELS},
        }
        member.expertise.set(self.cleaned_data["expertise_text"])
        if EMAIL_WITH_SURNAME_FIELD in self.fields:
            agreed = self.cleaned_data[EMAIL_WITH_SURNAME_FIELD]
            member.email_shown_with_surname = member.user.email if agreed else ""
        if commit:
            member.save()
        return member


class EmailChangeForm(forms.Form):
    """A new address for one's account; it only takes effect once confirmed by e-mail."""

    new_email = forms.EmailField(
        label=_("Ma nouvelle adresse électronique"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Indiquez la nouvelle adresse."),
            "invalid": _("Saisissez une adresse complète, par exemple nom@exemple.fr."),
        },
    )
    password = forms.CharField(
        label=_("Mon mot de passe actuel"),
        strip=False,
        help_text=_("Il confirme que c'est bien vous qui demandez ce changement."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Indiquez votre mot de passe actuel.")},
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        # An account without a password (signed in some other way) has none to type.
        if not user.has_usable_password():
            del self.fields["password"]

    def clean_new_email(self) -> str:
        email = self.cleaned_data["new_email"].strip()
        if email.lower() == self.user.email.lower():
            raise forms.ValidationError(_("C'est déjà l'adresse de votre compte."))
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Ce mot de passe n'est pas le bon."))
        return password


PHOTO_VISIBILITY_CHOICES = [
    (level, label) for level, label in VISIBILITY_CHOICES if level in Member.PHOTO_VISIBILITY_LEVELS
]


class PhotoForm(forms.Form):
    """A new photo (checked and cleaned by members.photos) and who may see the photo."""

    photo = forms.FileField(
        label=_("Choisir une photo"),
        required=False,
        help_text=_(
            "Une photo de vous, au format JPEG, PNG ou WebP, de 5 Mo au plus. Elle est "
            "recadrée en carré ; les informations cachées dans le fichier (lieu, date, "
            "appareil) sont effacées."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        error_messages={
            "invalid": _("Ce fichier n'a pas pu être lu. Choisissez de nouveau votre photo."),
            "empty": _("Ce fichier est vide. Choisissez une autre photo."),
        },
    )
    visibility_photo = visibility_field(
        _("Qui peut voir ma photo ?"),
        PHOTO_VISIBILITY_CHOICES,
        _("Choisissez qui peut voir votre photo."),
    )

    def __init__(self, *args, member: Member, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["visibility_photo"].initial = member.visibility_of("photo")
        # A plain file input: removing the photo is a button of its own.
        self.fields["photo"].widget = forms.FileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp"}
        )

    def clean_photo(self) -> CleanPhoto | None:
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        try:
            return clean_upload(upload)
        except PhotoRefused as refused:
            raise forms.ValidationError(refused.message) from None

    def save(self, by_user=None) -> None:
        member = self.member
        member.visibility = {**member.visibility, "photo": self.cleaned_data["visibility_photo"]}
        member.save(update_fields=["visibility"])
        photo = self.cleaned_data.get("photo")
        if photo is not None:
            set_photo(member, photo, by_user=by_user)


class NameChangeForm(forms.Form):
    """The name the member asks for; coordination confirms it before it is used."""

    first_name = forms.CharField(
        label=_("Prénom souhaité"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": _("Indiquez le prénom souhaité.")},
    )
    last_name = forms.CharField(
        label=_("Nom de famille souhaité"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": _("Indiquez le nom de famille souhaité.")},
    )
    reason = forms.CharField(
        label=_("Pourquoi ce changement ? (facultatif)"),
        required=False,
        max_length=1000,
        help_text=_("Par exemple : mariage, faute d'orthographe, prénom d'usage."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.is_bound:
            self.initial = {"first_name": user.first_name, "last_name": user.last_name}

    def clean(self) -> dict:
        data = super().clean() or {}
        first = " ".join(data.get("first_name", "").split())
        last = " ".join(data.get("last_name", "").split())
        if first and last:
            data["first_name"], data["last_name"] = first, last
            if (first, last) == (self.user.first_name, self.user.last_name):
                raise forms.ValidationError(
                    _("C'est déjà votre nom : changez le prénom ou le nom avant d'envoyer.")
                )
        return data
