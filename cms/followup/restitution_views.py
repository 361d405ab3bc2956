"""« Restitution annuelle » in the admin, for coordination only.

The form (année, convention, public) checks its input and refuses, in French, a year with
nothing to report for that audience or a page that is not a convention; a valid form
queues the generation (``tasks.generate_restitution``, after the commit) and opens its
status page, which reloads itself every few seconds (``<meta http-equiv="refresh">``, no
JavaScript) until the report is written. The preview is the report's HTML, the very
template of the PDF. Files are read from private storage and handed to coordination only.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.cache import patch_cache_control
from wagtail.log_actions import log

from cms.followup.models import RestitutionReport
from cms.followup.restitution import Restitution, collect, render_html
from cms.models import ConventionPage
from members.admin_screens import RestrictedAdminScreen
from members.permissions import is_coordination

# The audit log's entry of a generation asked (registered in wagtail_hooks).
RESTITUTION_ASKED = "followup.restitution"
RESTITUTION_ACTION = (
    RESTITUTION_ASKED,
    "Restitution annuelle demandée",
    "Restitution annuelle demandée (PDF et ODT)",
)
REFRESH_SECONDS = 3
FILE_TYPES = {
    "pdf": ("pdf_file", "application/pdf"),
    "odt": ("odt_file", "application/vnd.oasis.opendocument.text"),
}


class ConventionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        territory = obj.territory.name if obj.territory_id else "tout le territoire"
        return f"{obj.title} ({territory})"


class RestitutionForm(forms.Form):
    year = forms.IntegerField(
        label="Année",
        min_value=2000,
        max_value=2100,
        help_text="L'année civile à restituer, sur quatre chiffres (par exemple 2025).",
        error_messages={
            "required": "Indiquez l'année à restituer.",
            "invalid": "L'année s'écrit en chiffres, par exemple 2025.",
            "min_value": "Choisissez une année à partir de 2000.",
            "max_value": "Choisissez une année avant 2100.",
        },
    )
    convention = ConventionChoice(
        label="Convention",
        queryset=ConventionPage.objects.order_by("path"),
        empty_label="Choisissez une convention",
        help_text="La convention régionale ou un comité local : sont restitués les dossiers, "
        "préconisations et rencontres placés sous sa page.",
        error_messages={
            "required": "Choisissez la convention à restituer.",
            "invalid_choice": "Cette page n'est pas une convention : choisissez une convention "
            "dans la liste.",
        },
    )
    audience = forms.ChoiceField(
        label="Pour qui",
        choices=RestitutionReport.Audience.choices,
        widget=forms.RadioSelect,
        help_text="« Public » ne montre que ce que voit une personne non connectée ; « Membres » "
        "ajoute ce qui est ouvert à tous les membres, jamais ce qui est réservé à un collège.",
        error_messages={
            "required": "Choisissez pour qui est la restitution.",
            "invalid_choice": "Choisissez « Public » ou « Membres ».",
        },
    )

    restitution: Restitution | None = None

    def clean(self) -> dict:
        data = super().clean() or {}
        convention, year, audience = (data.get(k) for k in ("convention", "year", "audience"))
        if convention is None or year is None or not audience:
            return data
        restitution = collect(convention, year, audience)
        if restitution.is_empty:
            raise forms.ValidationError(
                f"Rien à restituer pour « {convention.title} » en {year} pour ce public : "
                "aucune contribution, préconisation ni rencontre de cette année ne lui est "
                "visible. Choisissez une autre année ou une autre convention."
            )
        self.restitution = restitution
        return data


def _coordination_only(request: HttpRequest) -> None:
    if not is_coordination(request.user):
        raise PermissionDenied


class CoordinationView(RestrictedAdminScreen):
    """For coordination only (RestrictedAdminScreen's default)."""

    header_icon = "doc-full"


class RestitutionView(CoordinationView):
    """The form and the reports already generated."""

    template_name = "followup/restitution_admin.html"
    page_title = "Restitution annuelle"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.setdefault(
            "form",
            RestitutionForm(initial={"year": timezone.localdate().year - 1, "audience": "public"}),
        )
        context["reports"] = RestitutionReport.objects.select_related("convention")[:50]
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        form = RestitutionForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        convention = form.cleaned_data["convention"]
        report = RestitutionReport.objects.create(
            year=form.cleaned_data["year"],
            convention=convention,
            convention_title=convention.title,
            audience=form.cleaned_data["audience"],
            created_by_id=request.user.pk,
            step="En attente de démarrage",
        )
        log(
            instance=report,
            action=RESTITUTION_ASKED,
            user=request.user,
            data={"year": report.year, "audience": report.audience},
        )
        from cms.followup.tasks import generate_restitution

        transaction.on_commit(lambda: generate_restitution.enqueue(report.pk))
        return redirect("followup_restitution_status", report.pk)


class RestitutionStatusView(CoordinationView):
    """Where a generation stands; reloads itself until it is finished."""

    template_name = "followup/restitution_status.html"
    page_title = "Suivi de génération"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        report = get_object_or_404(RestitutionReport, pk=kwargs["report_id"])
        context.update(report=report, refresh_seconds=REFRESH_SECONDS)
        return context


def preview(request: HttpRequest) -> HttpResponse:
    """The report as HTML for the form's values (GET): the template of the PDF."""
    _coordination_only(request)
    form = RestitutionForm(request.GET)
    if not form.is_valid() or form.restitution is None:
        # The same screen as the form's, with its errors: the values do not make a report.
        view = RestitutionView()
        view.setup(request)
        return view.render_to_response(view.get_context_data(form=form), status=400)
    response = HttpResponse(render_html(form.restitution))
    patch_cache_control(response, private=True, no_store=True)
    return response


def download(request: HttpRequest, report_id: int, kind: str) -> FileResponse:
    _coordination_only(request)
    if kind not in FILE_TYPES:
        raise Http404("Format inconnu.")
    report = get_object_or_404(RestitutionReport, pk=report_id)
    field_name, content_type = FILE_TYPES[kind]
    stored = getattr(report, field_name)
    if not stored:
        raise Http404("Ce fichier n'a pas encore été écrit.")
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404("Ce fichier n'existe plus.") from None
    name = stored.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, content_type=content_type, as_attachment=True, filename=name)
    patch_cache_control(response, private=True, no_store=True)
    return response
