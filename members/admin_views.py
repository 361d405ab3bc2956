"""Admin views for coordination: import members from a file, anonymise former members."""

from __future__ import annotations

import secrets

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views import View
from wagtail.admin import messages
from wagtail_modeladmin.options import ModelAdmin

from members.imports import (
    COLUMNS,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    REQUIRED_COLUMNS,
    RowError,
    Table,
    apply_plan,
    plan_file,
    validate_table,
)
from members.permissions import is_coordination
from members.personal_data.anonymise import anonymise_former_members, members_to_anonymise

# The checked table waits in the server-side session between preview and confirmation:
# nothing the browser sends back is trusted but a random token naming it.
SESSION_KEY = "members_import"


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier CSV ou Excel",
        help_text=f"Format .csv (UTF-8) ou .xlsx ; {MAX_UPLOAD_BYTES // (1024 * 1024)} Mo "
        f"et {MAX_ROWS} lignes au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class CoordinationView(View):
    """Base of the views only coordination may use; ``model_admin`` is the MemberAdmin."""

    model_admin: ModelAdmin = None

    def dispatch(self, request, *args, **kwargs):
        if not is_coordination(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def index_url(self) -> str:
        return self.model_admin.url_helper.index_url

    def render(self, template: str, **context) -> TemplateResponse:
        context.setdefault("index_url", self.index_url)
        return TemplateResponse(self.request, template, context)


class ImportView(CoordinationView):
    """Upload → preview of every row (nothing written) → confirmation → all-or-nothing import."""

    template = "members/admin/import.html"

    def get(self, request):
        return self.upload_page(ImportForm())

    def post(self, request):
        if "token" in request.POST:
            return self.confirm(request.POST["token"])
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.upload_page(form)
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            error = RowError(
                None, None, f"Le fichier dépasse {MAX_UPLOAD_BYTES // (1024 * 1024)} Mo."
            )
            return self.upload_page(form, [error])
        table, plan = plan_file(upload.read(), upload.name, importer=self.request.user)
        if not plan.ok:
            return self.upload_page(form, plan.errors)
        assert table is not None  # a plan without errors was made from a table
        token = secrets.token_urlsafe(24)
        request.session[SESSION_KEY] = {"token": token, "table": table.to_dict()}
        return self.render(
            "members/admin/import_preview.html", plan=plan, token=token, filename=upload.name
        )

    def confirm(self, token: str):
        stored = self.request.session.get(SESSION_KEY) or {}
        if not stored.get("token") or not secrets.compare_digest(stored["token"], token):
            messages.error(self.request, "Cet aperçu a expiré : envoyez le fichier à nouveau.")
            return redirect(self.request.path)
        del self.request.session[SESSION_KEY]
        # Checked again: the database may have changed since the preview.
        plan = validate_table(Table.from_dict(stored["table"]), importer=self.request.user)
        if not plan.ok:
            return self.upload_page(ImportForm(), plan.errors)
        report = apply_plan(plan, importer=self.request.user)
        messages.success(
            self.request,
            f"Import terminé : {report['créés']} membre(s) créé(s), "
            f"{report['mis à jour']} mis à jour.",
        )
        return redirect(self.index_url)

    def upload_page(self, form: ImportForm, errors: list[RowError] | None = None):
        return self.render(
            self.template,
            form=form,
            errors=errors or [],
            columns=[(name, text, name in REQUIRED_COLUMNS) for name, text in COLUMNS.items()],
        )


class AnonymiseView(CoordinationView):
    """Lists the former members not anonymised yet; anonymises them all on confirmation."""

    def get(self, request):
        members = list(members_to_anonymise())
        return self.render(
            "members/admin/anonymise_confirm.html", members=members, count=len(members)
        )

    def post(self, request):
        count = anonymise_former_members()
        messages.success(request, f"{count} ancien(s) membre(s) anonymisé(s).")
        return redirect(self.index_url)
