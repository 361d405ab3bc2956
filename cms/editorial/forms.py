"""The form a member fills in to propose a contribution from the site."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from cms.dossiers.pages import ContributionPage
from cms.editorial.proposals import ProposalContent
from cms.editorial.uploads import MAX_FILE_SIZE, MAX_FILES, check_files
from cms.visibility import COLLEGES, MEMBERS, PUBLIC, Visibility
from members.models import College

PRECONISATION_TITLE_MAX = 250
# The date of the work: typed by hand (14/03/2026) or chosen in the browser's date picker
# (which sends 2026-03-14). No bound depends on today, so the form reads the same any day.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y"]
DATE_ERROR = "Cette date n’existe pas ou est mal écrite : écrivez-la ainsi, 14/03/2026."
EARLIEST_YEAR, LATEST_YEAR = 1950, 2100


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_clean = super().clean
        if isinstance(data, (list, tuple)):
            return [single_clean(item, initial) for item in data if item]
        return [single_clean(data, initial)] if data else []


def parse_preconisations(text: str) -> list[tuple[str, str]]:
    """One préconisation per line: "title : description", or the title alone."""
    items = []
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = line.strip().lstrip("-•*").strip()
        if not line:
            continue
        title, _, description = line.partition(":")
        title, description = title.strip(), description.strip()
        if not title:
            raise ValidationError(
                "Ligne %(number)s : le titre de la préconisation manque avant les deux-points.",
                params={"number": number},
            )
        if len(title) > PRECONISATION_TITLE_MAX:
            raise ValidationError(
                "Ligne %(number)s : le titre dépasse %(max)s caractères ; mettez la suite "
                "après deux-points.",
                params={"number": number, "max": PRECONISATION_TITLE_MAX},
            )
        items.append((title, description))
    return items


class ProposalForm(forms.Form):
    title = forms.CharField(
        label="Titre",
        max_length=255,
        help_text="Un titre court qui dit de quoi parle votre contribution.",
    )
    contribution_type = forms.ChoiceField(
        label="De quel genre de contribution s’agit-il ?",
        widget=forms.RadioSelect,
        choices=ContributionPage.Type.choices,
        error_messages={"required": "Choisissez le genre de votre contribution."},
    )
    date = forms.DateField(
        label="Date du travail",
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=(
            "La date de l’atelier, de la rencontre ou de la rédaction, par exemple 14/03/2026."
        ),
        error_messages={
            "required": "Indiquez la date de l’atelier, de la rencontre ou de la rédaction.",
            "invalid": DATE_ERROR,
        },
    )
    summary = forms.CharField(
        label="Résumé",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Deux ou trois phrases, affichées dans la liste des contributions.",
    )
    text = forms.CharField(
        label="Texte",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Laissez une ligne vide entre deux paragraphes.",
    )
    preconisations = forms.CharField(
        label="Préconisations",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "Facultatif. Une préconisation par ligne : d'abord son titre, puis deux-points, "
            "puis sa description. Par exemple : « Garder un accueil sans rendez-vous : un "
            "lieu où l'on peut venir poser sa question sans écran. » Elles s'ajoutent au "
            "récapitulatif des préconisations du dossier."
        ),
    )
    attachments = MultipleFileField(
        label="Pièces jointes",
        required=False,
        help_text=(
            f"Facultatif. {MAX_FILES} fichiers au maximum, "
            f"{MAX_FILE_SIZE // (1024 * 1024)} Mo au plus chacun, "
            "aux formats PDF, ODT, DOCX, TXT, PNG ou JPG."
        ),
    )
    visibility = forms.ChoiceField(
        label="Qui pourra lire cette contribution une fois publiée ?",
        widget=forms.RadioSelect,
        initial=MEMBERS,
    )
    visible_to = forms.MultipleChoiceField(
        label="Collèges qui pourront la lire",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Seulement si vous avez choisi « certains de mes collèges ».",
    )
    on_behalf_of = forms.MultipleChoiceField(
        label="Au nom de quel collège proposez-vous cette contribution ?",
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Les référents de ce collège la reliront avant la coordination. "
            "Cochez-en plusieurs si elle est portée par plusieurs de vos collèges."
        ),
        error_messages={"required": "Choisissez au moins un de vos collèges."},
    )

    def __init__(
        self, *args, colleges: list[College], draft: bool = False, documents=(), **kwargs
    ) -> None:
        """``draft``: saved as a draft, only the title is needed; ``documents``: the files
        already attached (editing), each kept unless the member unticks it."""
        super().__init__(*args, **kwargs)
        self.draft = draft
        self.documents = {str(document.pk): document for document in documents}
        if self.documents:
            self.fields["keep_attachments"] = forms.MultipleChoiceField(
                label="Pièces déjà jointes",
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(key, document.title) for key, document in self.documents.items()],
                initial=list(self.documents),
                help_text="Décochez une pièce pour la retirer de votre contribution.",
            )
        if draft:
            for name, form_field in self.fields.items():
                form_field.required = name == "title"
        self.colleges = {college.slug: college for college in colleges}
        choices = [(college.slug, college.name) for college in colleges]
        visibility, visible_to, on_behalf_of = (
            self.fields[name] for name in ("visibility", "visible_to", "on_behalf_of")
        )
        assert isinstance(visibility, forms.ChoiceField)
        assert isinstance(visible_to, forms.ChoiceField)
        assert isinstance(on_behalf_of, forms.ChoiceField)
        visibility.choices = [
            (PUBLIC, "Tout le monde (page publique)"),
            (MEMBERS, "Les membres de la convention"),
            (COLLEGES, "Certains de mes collèges seulement"),
        ]
        visible_to.choices = choices
        on_behalf_of.choices = choices
        if len(choices) == 1:
            on_behalf_of.initial = [choices[0][0]]

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date is not None and not EARLIEST_YEAR <= date.year <= LATEST_YEAR:
            raise ValidationError(DATE_ERROR)
        return date

    def clean_preconisations(self) -> list[tuple[str, str]]:
        return parse_preconisations(self.cleaned_data.get("preconisations", ""))

    def clean_attachments(self) -> list:
        return check_files(self.cleaned_data.get("attachments") or [])

    def kept_documents(self) -> list:
        return [self.documents[key] for key in self.cleaned_data.get("keep_attachments") or []]

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        count = len(self.kept_documents()) + len(cleaned.get("attachments") or [])
        if self.documents and count > MAX_FILES:
            self.add_error(
                "attachments",
                f"Votre contribution aurait {count} pièces jointes : {MAX_FILES} au maximum. "
                "Décochez des pièces déjà jointes ou joignez-en moins.",
            )
        if cleaned.get("visibility") == COLLEGES and not cleaned.get("visible_to"):
            self.add_error(
                "visible_to", "Cochez au moins un collège, ou choisissez une autre visibilité."
            )
        return cleaned

    def chosen_visibility(self) -> Visibility:
        level = self.cleaned_data.get("visibility") or MEMBERS  # a draft may leave it blank
        if level == PUBLIC:
            return Visibility.public()
        if level == MEMBERS:
            return Visibility.members()
        return Visibility.colleges(self.cleaned_data["visible_to"])

    def chosen_colleges(self) -> list[College]:
        return [self.colleges[slug] for slug in self.cleaned_data.get("on_behalf_of") or []]

    def content(self) -> ProposalContent:
        """The proposal as the member wrote it (a draft may leave everything but its title)."""
        data = self.cleaned_data
        return ProposalContent(
            title=data["title"],
            summary=data.get("summary") or "",
            text=data.get("text") or "",
            visibility=self.chosen_visibility(),
            colleges=self.chosen_colleges(),
            preconisations=data.get("preconisations") or [],
            files=data.get("attachments") or [],
            contribution_type=data.get("contribution_type")
            or ContributionPage.Type.SYNTHESE_ATELIER,
            date=data.get("date"),
        )
