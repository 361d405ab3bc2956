"""« Règlement : approbations » in the admin: who approved which version, for coordination.

Two sources: the approvals kept with each adopted version (``VersionApproval``: college and
date) and the approvals recorded on proposals (``CollegeApproval``: college, date and the
referent who recorded it). A CSV of the same rows is one click away.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from cms.reglement.models import CollegeApproval, VersionApproval
from cms.reglement.views import person_name
from members.admin_screens import RestrictedAdminScreen
from shared.spreadsheet import csv_bytes

CSV_HEADER = ["Règlement", "Version", "État", "Collège", "Approuvée le", "Enregistrée par"]


@dataclass(frozen=True)
class ApprovalRow:
    reglement: str
    label: str
    state: str
    college: str
    approved_on: date | None
    approved_by: str


def approval_rows() -> list[ApprovalRow]:
    """Every approval, adopted versions first (newest first), then proposals; four queries."""
    rows = [
        ApprovalRow(
            reglement=approval.version.page.title,
            label=approval.version.label,
            state="Adoptée",
            college=approval.college.name,
            approved_on=approval.approved_on,
            approved_by="",
        )
        for approval in VersionApproval.objects.select_related("version__page", "college").order_by(
            "-version__adopted_on", "-version__pk", "college__sort_order", "college__name"
        )
    ]
    proposals = (
        CollegeApproval.objects.select_related("proposal__page", "college", "approved_by__member")
        .exclude(proposal__status="adoptee")
        .order_by("-proposal__created_at", "college__sort_order", "college__name")
    )
    rows += [
        ApprovalRow(
            reglement=approval.proposal.page.title,
            label=approval.proposal.label,
            state=approval.proposal.get_status_display(),
            college=approval.college.name,
            approved_on=timezone.localdate(approval.approved_at),
            approved_by=person_name(approval.approved_by),
        )
        for approval in proposals
    ]
    return rows


class ApprovalsView(RestrictedAdminScreen):
    """For coordination only (RestrictedAdminScreen's default)."""

    template_name = "reglement/admin/approvals.html"
    page_title = "Règlement : approbations"
    header_icon = "list-ol"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.GET.get("format") == "csv":
            rows = [
                [
                    row.reglement,
                    row.label,
                    row.state,
                    row.college,
                    row.approved_on.strftime("%d/%m/%Y") if row.approved_on else "",
                    row.approved_by,
                ]
                for row in approval_rows()
            ]
            response = HttpResponse(
                csv_bytes(CSV_HEADER, rows), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = 'attachment; filename="reglement-approbations.csv"'
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["rows"] = approval_rows()
        return context
