"""Admin forms for members and organisations: account fields, visibility choices, scopes."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from wagtail.admin.forms import WagtailAdminModelForm

from members import email_change
from members.memberships import set_colleges
from members.models import College, Member, Organisation
from members.permissions import changeable_organisations, is_coordination
from members.roles import apply_roles, roles_of, roles_with

VISIBILITY_LABELS = {
    "email": "Qui voit l'adresse électronique",
    "phone": "Qui voit le téléphone",
    "address": "Qui voit l'adresse postale",
    "bio": "Qui voit la présentation",
    "expertise": "Qui voit les expertises",
}


def visibility_field_name(field: str) -> str:
    return f"visibility_{field}"


def referent_colleges(user) -> QuerySet:
    """Colleges whose referents group the user belongs to."""
    return College.objects.filter(referents_group__user=user)


# What identifies the person and their account: handing them over (an e-mail address, hence
# a password reset) or ending the account is for coordination or for someone who refers
# every college of the member, never for the referent of one college among several.
IDENTITY_FIELDS = ("first_name", "last_name", "email", "status")
IDENTITY_LOCKED_HELP = (
    "Seuls la coordination et les référents de tous les collèges de ce membre peuvent "
    "modifier ce champ."
)


def may_edit_identity(user, member: Member) -> bool:
    """Coordination, the member themselves, or a referent of each of the member's colleges."""
    if is_coordination(user) or member.pk is None or member.user_id == user.pk:
        return True
    college_ids = set(member.memberships.values_list("college_id", flat=True))
    if not college_ids:
        return False  # a member of no college is coordination's
    referred = set(referent_colleges(user).values_list("pk", flat=True))
    return college_ids <= referred


def _visibility_choice(field: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=VISIBILITY_LABELS[field],
        choices=Member.Visibility.choices,
        initial=Member.VISIBILITY_FIELDS[field],
    )


class MemberAdminForm(WagtailAdminModelForm):
    """The member's profile plus their account's names and e-mail.

    Colleges, the referent flag and the coordination flag are only in the form of
    coordination (panel permissions); saving them goes through ``apply_roles``.
    """

    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
    email = forms.EmailField(label="Adresse électronique", required=False)
    colleges_choice = forms.ModelMultipleChoiceField(
        label="Collèges",
        queryset=College.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    referent = forms.BooleanField(
        label="Référent·e de ses collèges",
        required=False,
        help_text="Modère les contributions et gère les membres de ses collèges.",
    )
    # The ``visibility`` JSON field, one choice per contact field (see Member.VISIBILITY_FIELDS).
    visibility_email = _visibility_choice("email")
    visibility_phone = _visibility_choice("phone")
    visibility_address = _visibility_choice("address")
    visibility_bio = _visibility_choice("bio")
    visibility_expertise = _visibility_choice("expertise")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            user = self.instance.user
            self.initial.update(
                {
                    visibility_field_name(field): self.instance.visibility_of(field)
                    for field in Member.VISIBILITY_FIELDS
                }
            )
            self.initial.update(
                first_name=user.first_name,
                last_name=user.last_name,
                email=user.email,
                colleges_choice=list(self.instance.colleges.values_list("pk", flat=True)),
                referent="referent" in roles_of(self.instance),
            )
        self.pending_email_requested = ""
        if self.instance.pk and self.instance.pending_email:
            requested_at = self.instance.pending_email_requested_at
            self.fields["email"].help_text = (
                f"Nouvelle adresse en attente de confirmation : {self.instance.pending_email}"
                + (f" (demandée le {requested_at:%d/%m/%Y})." if requested_at else ".")
            )
        if self.for_user is not None and not may_edit_identity(self.for_user, self.instance):
            # Disabled fields keep their initial value whatever is posted.
            for name in IDENTITY_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = IDENTITY_LOCKED_HELP
        if self.for_user is not None and not is_coordination(self.for_user):
            # A referent attaches members only to organisations they manage.
            allowed = changeable_organisations(self.for_user).values("pk")
            current = self.instance.organisation_id
            self.fields["organisation"].queryset = Organisation.objects.filter(
                pk__in=allowed
            ) | Organisation.objects.filter(pk=current)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        current = self.instance.user.email if self.instance.pk else ""
        if current and not email:
            raise forms.ValidationError(
                "L'adresse d'un compte ne peut pas être retirée : indiquez la nouvelle adresse, "
                "elle sera confirmée par un lien envoyé à cette adresse."
            )
        others = get_user_model().objects.exclude(pk=self.instance.user_id)
        if email and others.filter(email__iexact=email).exists():
            raise forms.ValidationError("Cette adresse est déjà celle d'un autre compte.")
        return email

    def changed_fields(self) -> dict[str, str]:
        """Names and labels of the fields this save changes (disabled ones never do)."""
        return {
            name: str(self.fields[name].label or name)
            for name in self.changed_data
            if name in self.fields and name != "email"
        }

    def save(self, commit: bool = True) -> Member:
        member = self.instance
        # Other keys (the photo's level, chosen on « Mon profil ») are kept.
        member.visibility = {
            **member.visibility,
            **{
                field: self.cleaned_data[visibility_field_name(field)]
                for field in Member.VISIBILITY_FIELDS
            },
        }
        user = member.user
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])
        member = super().save(commit=commit)
        # The account keeps its address until the new one is confirmed by its owner.
        new_email = self.cleaned_data["email"]
        if (
            "email" in self.changed_data
            and new_email
            and email_change.request_change(member, new_email, by_user=self.for_user)
        ):
            self.pending_email_requested = new_email
        if "colleges_choice" in self.fields:
            set_colleges(member, self.cleaned_data["colleges_choice"])
            apply_roles(member, self._roles(member))
        return member

    def _roles(self, member: Member) -> list[str]:
        # A referent is a referent of some college: none without one.
        referent = bool(self.cleaned_data.get("referent") and self.cleaned_data["colleges_choice"])
        return roles_with(member, member_role=True, referent=referent)


class OrganisationAdminForm(WagtailAdminModelForm):
    """A referent may only place an organisation in one of their own colleges."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.for_user is not None and not is_coordination(self.for_user):
            self.fields["college"].queryset = referent_colleges(self.for_user)
