"""Proposals of a new règlement version: coordination proposes and adopts, referents approve.

Coordination and college referents follow the proposals here; each POST goes through
``cms.reglement.approvals``, which holds the rule and refuses with a French message.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cms.access import can_view_page
from cms.reglement import approvals
from cms.reglement.diff import compare
from cms.reglement.models import CollegeApproval, VersionProposal
from cms.reglement.pages import ReglementPage
from cms.reglement.texts import page_text
from members.models import College
from members.permissions import is_coordination
from members.visibility import shown_name

PROPOSALS_PER_PAGE = 20


def person_name(user) -> str:
    if user is None:
        return "compte supprimé"
    member = getattr(user, "member", None)
    return shown_name(member) if member else (user.get_full_name() or user.get_username())


def _require_follower(request: HttpRequest) -> None:
    if not approvals.may_follow_proposals(request.user):
        raise PermissionDenied("Réservé à la coordination et aux référents de collège.")


def _proposal_for(request: HttpRequest, pk: int) -> VersionProposal:
    _require_follower(request)
    proposal = get_object_or_404(VersionProposal.objects.select_related("page", "revision"), pk=pk)
    if not can_view_page(request.user, proposal.page):
        raise PermissionDenied("Vous ne pouvez pas consulter ce règlement.")
    return proposal


def _detail_url(proposal: VersionProposal) -> str:
    return reverse("reglement:proposal", args=[proposal.pk])


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    _require_follower(request)
    college_count = College.objects.count()
    proposals = (
        VersionProposal.objects.select_related("page")
        .annotate(approval_count=Count("approvals"))
        .order_by("-created_at", "-pk")
    )
    page_obj = Paginator(proposals, PROPOSALS_PER_PAGE).get_page(request.GET.get("page"))
    reglements = []
    if is_coordination(request.user):
        open_pages = set(
            VersionProposal.objects.filter(status=VersionProposal.Status.OPEN).values_list(
                "page_id", flat=True
            )
        )
        for reglement in ReglementPage.objects.select_related("latest_revision").order_by("path"):
            reglement.has_draft = approvals.draft_revision(reglement) is not None
            reglement.has_open_proposal = reglement.pk in open_pages
            reglements.append(reglement)
    return render(
        request,
        "reglement/proposal_list.html",
        {
            "proposals": page_obj,
            "college_count": college_count,
            "reglements": reglements,
            "is_coordination": is_coordination(request.user),
        },
    )


@login_required
def propose(request: HttpRequest, page_id: int) -> HttpResponse:
    if not is_coordination(request.user):
        raise PermissionDenied("Réservé à la coordination.")
    page = get_object_or_404(ReglementPage, pk=page_id)
    revision = approvals.draft_revision(page)
    error = ""
    label = request.POST.get("label", "") if request.method == "POST" else ""
    if request.method == "POST":
        try:
            proposal = approvals.propose(page, request.user, label)
        except approvals.Refused as refusal:
            error = refusal.message
        else:
            messages.success(
                request, f"La version {proposal.label} est soumise à l'approbation des collèges."
            )
            return HttpResponseRedirect(_detail_url(proposal))
    diff = compare(page_text(page), page_text(revision.as_object())) if revision else None
    return render(
        request,
        "reglement/propose.html",
        {"reglement": page, "revision": revision, "diff": diff, "label": label, "error": error},
        status=400 if error else 200,
    )


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_for(request, pk)
    page = proposal.page
    approvals_by_college = {
        approval.college_id: approval
        for approval in CollegeApproval.objects.filter(proposal=proposal)
        .select_related("approved_by__member")
        .prefetch_related("approved_by__member__memberships__college")
    }
    mine = set(approvals.referent_colleges(request.user).values_list("pk", flat=True))
    rows = []
    for college in College.objects.all():
        approval = approvals_by_college.get(college.pk)
        rows.append(
            {
                "college": college,
                "approval": approval,
                "approved_by": person_name(approval.approved_by) if approval else "",
                "may_approve": proposal.is_open and approval is None and college.pk in mine,
            }
        )
    diff = None
    if proposal.revision is not None:
        proposed = proposal.revision.as_object()
        diff = compare(page_text(page), page_text(proposed))
    return render(
        request,
        "reglement/proposal_detail.html",
        {
            "proposal": proposal,
            "reglement": page,
            "rows": rows,
            "approved_count": len(approvals_by_college),
            "missing": [row["college"] for row in rows if row["approval"] is None],
            "diff": diff,
            "is_coordination": is_coordination(request.user),
            "proposals_url": reverse("reglement:proposals"),
        },
    )


def _approval_step(
    step: Callable[[HttpRequest, VersionProposal], str],
) -> Callable[[HttpRequest, int], HttpResponse]:
    """The POST view of one approval step, back to the proposal with ``step``'s message; a
    refusal becomes an error message, and nothing changes."""

    @login_required
    @require_POST
    @functools.wraps(step)
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        proposal = _proposal_for(request, pk)
        try:
            success = step(request, proposal)
        except approvals.Refused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, success)
        return HttpResponseRedirect(_detail_url(proposal))

    return view


@_approval_step
def approve(request: HttpRequest, proposal: VersionProposal) -> str:
    college = College.objects.filter(slug=request.POST.get("college", "")).first()
    if college is None:
        raise approvals.Refused("Choisissez le collège dont vous enregistrez l'approbation.")
    approvals.approve(proposal, college, request.user)
    return f"L'approbation du collège « {college.name} » est enregistrée."


@_approval_step
def adopt(request: HttpRequest, proposal: VersionProposal) -> str:
    version = approvals.adopt(proposal, request.user)
    return f"La version {version.label} du règlement est publiée."


@_approval_step
def withdraw(request: HttpRequest, proposal: VersionProposal) -> str:
    approvals.withdraw(proposal, request.user)
    return "La proposition est retirée."
