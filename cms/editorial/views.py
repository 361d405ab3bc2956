"""Pages under /propositions/: propose a contribution, follow and withdraw one's proposals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cms.access import can_view_page
from cms.dossiers.pages import DossierPage
from cms.editorial.forms import ProposalForm
from cms.editorial.models import Proposal
from cms.editorial.proposals import ProposalContent, create_proposal, withdraw
from cms.editorial.queries import proposals_of
from members.models import College, Member

PROPOSALS_PER_PAGE = 20


def active_member(user) -> Member | None:
    member = Member.objects.filter(user=user).select_related("user").first()
    if member is None or not member.is_active_member or not user.is_active:
        return None
    return member


def own_colleges(member: Member) -> list[College]:
    return list(College.objects.filter(memberships__member=member).order_by("sort_order", "name"))


def dossier_for(user, page_id: int) -> DossierPage:
    """The live dossier, when this user may see it; otherwise a 404 that reveals nothing."""
    dossier = DossierPage.objects.live().filter(pk=page_id).first()
    if dossier is None or not can_view_page(user, dossier):
        raise Http404("Dossier introuvable.")
    return dossier


def refuse(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "editorial/refused.html", {"reason": reason}, status=403)


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, page_id: int) -> HttpResponse:
    dossier = dossier_for(request.user, page_id)
    member = active_member(request.user)
    colleges = own_colleges(member) if member else []
    if member is None or not colleges:
        return refuse(
            request,
            "Seuls les membres actifs rattachés à un collège peuvent proposer une contribution.",
        )
    if dossier.status == DossierPage.Status.CLOS:
        return refuse(request, "Ce dossier est clos : il ne reçoit plus de contributions.")
    form = ProposalForm(request.POST or None, request.FILES or None, colleges=colleges)
    if request.method == "POST" and form.is_valid():
        content = ProposalContent(
            title=form.cleaned_data["title"],
            summary=form.cleaned_data["summary"],
            text=form.cleaned_data["text"],
            visibility=form.chosen_visibility(),
            colleges=form.chosen_colleges(),
            preconisations=form.cleaned_data["preconisations"],
            files=form.cleaned_data["attachments"],
            contribution_type=form.cleaned_data["contribution_type"],
            date=form.cleaned_data["date"],
        )
        create_proposal(dossier, member, content)
        messages.success(
            request,
            "Merci ! Votre contribution a été envoyée en relecture aux référents de votre "
            "collège. Vous suivez ici où elle en est.",
        )
        return redirect("editorial:list")
    return render(
        request,
        "editorial/propose.html",
        {"form": form, "dossier": dossier},
        status=400 if form.errors else 200,
    )


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    proposals = Paginator(proposals_of(request.user), PROPOSALS_PER_PAGE)
    return render(
        request,
        "editorial/list.html",
        {"proposals": proposals.get_page(request.GET.get("page"))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw_proposal(request: HttpRequest, page_id: int) -> HttpResponse:
    proposal = get_object_or_404(
        Proposal.objects.select_related("page"), page_id=page_id, proposer=request.user
    )
    status = next(
        (item for item in proposals_of(request.user) if item.proposal.pk == proposal.pk), None
    )
    if status is None or not status.can_withdraw:
        messages.error(
            request, "Cette proposition n'est plus en relecture : elle ne peut pas être retirée."
        )
        return redirect("editorial:list")
    if request.method == "POST":
        try:
            withdraw(proposal, request.user)
        except PermissionDenied:
            messages.error(request, "Cette proposition ne peut pas être retirée.")
            return redirect("editorial:list")
        messages.success(
            request, f"Votre proposition « {status.title} » est retirée : elle ne sera pas publiée."
        )
        return redirect(reverse("editorial:list"))
    return render(request, "editorial/withdraw.html", {"proposal": status})
