"""Forms of the item page: the managers' update and the carriers' timeline entry."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from wagtail.models import Page

from cms.access import visible_pages
from cms.followup.models import STATUSES_WITH_REASON, Status, TrackedItem
from cms.models import ContributionPage, EventPage
from members.models import Member, Organisation
from members.visibility import shown_name


def evidence_choices(user, item: TrackedItem):
    """Contributions and meetings of the item's convention that this user may see."""
    pages = Page.objects.live().type(ContributionPage, EventPage)
    if item.convention_id:
        pages = pages.descendant_of(item.convention)
    return visible_pages(user, pages).order_by("-first_published_at", "title")


# A date field's value must be ISO (2025-01-31) whatever the locale's display format.
ISO_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return shown_name(obj)


class EntryForm(forms.Form):
    date = forms.DateField(
        label="Date de l'étape",
        widget=ISO_DATE,
        help_text="Le jour où la chose s'est passée ; pas de date à venir.",
    )
    text = forms.CharField(
        label="Ce qui s'est passé",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    evidence_page = forms.ModelChoiceField(
        label="Contribution ou rencontre liée",
        queryset=Page.objects.none(),
        required=False,
        empty_label="Aucune",
    )

    def __init__(self, *args, user, item: TrackedItem, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)
        evidence_page = self.fields["evidence_page"]
        assert isinstance(evidence_page, forms.ModelChoiceField)  # as declared above
        evidence_page.queryset = evidence_choices(user, item)

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("La date d'une étape ne peut pas être à venir.")
        return date


class UpdateForm(EntryForm):
    """The managers' form: the follow-up fields, and why they change."""

    field_order = [
        "status",
        "status_reason",
        "progress",
        "target_date",
        "carrier_organisations",
        "carrier_members",
        "date",
        "text",
        "evidence_page",
    ]

    status = forms.ChoiceField(label="État", choices=Status.choices)
    status_reason = forms.CharField(
        label="Motif",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Obligatoire pour « réalisée » et « abandonnée ».",
    )
    progress = forms.IntegerField(label="Avancement (%)", min_value=0, max_value=100)
    target_date = forms.DateField(label="Échéance", required=False, widget=ISO_DATE)
    carrier_organisations = forms.ModelMultipleChoiceField(
        label="Structures porteuses",
        queryset=Organisation.objects.filter(status=Organisation.Status.ACTIVE).order_by("name"),
        required=False,
    )
    carrier_members = MemberChoiceField(
        label="Personnes porteuses",
        queryset=Member.objects.filter(status=Member.Status.ACTIVE)
        .select_related("user")
        .prefetch_related("memberships__college"),
        required=False,
    )

    def __init__(self, *args, user, item: TrackedItem, **kwargs) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.update(
            {
                "status": item.status,
                "status_reason": item.status_reason,
                "progress": item.progress,
                "target_date": item.target_date,
                "carrier_organisations": list(item.carrier_organisations.all()),
                "carrier_members": list(item.carrier_members.all()),
            }
        )
        super().__init__(*args, user=user, item=item, **kwargs)
        self.fields["text"].required = False
        self.fields["text"].label = "Pourquoi ce changement"

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        status = cleaned.get("status")
        if status in STATUSES_WITH_REASON and not (cleaned.get("status_reason") or "").strip():
            self.add_error(
                "status_reason",
                f"Indiquez le motif : il est obligatoire pour une préconisation "
                f"« {Status(status).label.lower()} ».",
            )
        if status not in STATUSES_WITH_REASON:
            cleaned["status_reason"] = ""
        return cleaned

    def follow_up_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.field_order[:6]}
