"""Pages under /propositions/: propose a contribution (or save it as a draft), follow one's
proposals, finish a draft or edit one sent back for changes, withdraw one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cms.access import can_view_page
from cms.dossiers.pages import DossierPage
from cms.editorial.forms import ProposalForm
from cms.editorial.models import Proposal
from cms.editorial.proposals import (
    attached_documents,
    content_of,
    create_proposal,
    update_proposal,
    withdraw,
)
from cms.editorial.queries import DRAFT, proposals_of, status_of
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
    draft = saves_draft(request)
    form = ProposalForm(request.POST or None, request.FILES or None, colleges=colleges, draft=draft)
    if request.method == "POST" and form.is_valid():
        create_proposal(dossier, member, form.content(), submit=not draft)
        messages.success(request, DRAFT_SAVED if draft else SENT)
        return redirect("editorial:list")
    return render(
        request,
        "editorial/propose.html",
        {"form": form, "dossier": dossier},
        status=400 if form.errors else 200,
    )


DRAFT_SAVED = (
    "Votre brouillon est enregistré. Retrouvez-le ici, dans Mes propositions, pour le "
    "terminer et l’envoyer en relecture quand vous voulez."
)
SENT = (
    "Merci ! Votre contribution a été envoyée en relecture aux référents de votre "
    "collège. Vous suivez ici où elle en est."
)
RESENT = (
    "Merci ! Votre nouvelle version est repartie en relecture, à l’étape qui avait demandé "
    "des modifications. Vous suivez ici où elle en est."
)


SAVED_NOT_SENT = (
    "Vos modifications sont enregistrées, sans être renvoyées. Renvoyez votre proposition "
    "en relecture depuis Mes propositions quand elle est prête."
)


def _saved_message(draft: bool, sent_back: bool) -> str:
    if draft:
        return SAVED_NOT_SENT if sent_back else DRAFT_SAVED
    return RESENT if sent_back else SENT


def saves_draft(request: HttpRequest) -> bool:
    """Which button sent the form: « Enregistrer le brouillon » or « Envoyer en relecture »."""
    return request.method == "POST" and request.POST.get("action") == "draft"


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
    status = status_of(proposal)
    if not status.can_withdraw:
        messages.error(
            request, "Cette proposition est déjà close ou publiée : elle ne peut pas être retirée."
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


@login_required
@require_http_methods(["GET", "POST"])
def edit_proposal(request: HttpRequest, page_id: int) -> HttpResponse:
    """Finish a draft, or edit a proposal sent back for changes, and send it (back) to review.

    Only its proposer finds it here; anyone else gets a 404 that reveals nothing.
    """
    proposal = get_object_or_404(
        Proposal.objects.select_related("page"), page_id=page_id, proposer=request.user
    )
    member = active_member(request.user)
    if member is None:
        return refuse(request, "Seuls les membres actifs peuvent modifier une proposition.")
    status = status_of(proposal)
    if not status.can_edit:
        messages.error(
            request,
            f"« {status.title} » n’attend pas de modification de votre part "
            f"({status.status_label.lower()}) : elle ne peut pas être modifiée.",
        )
        return redirect("editorial:list")
    page = proposal.page.specific
    draft = saves_draft(request)
    form = ProposalForm(
        request.POST or None,
        request.FILES or None,
        colleges=own_colleges(member),
        draft=draft,
        documents=attached_documents(page),
        initial=content_of(page),
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_proposal(proposal, form.content(), form.kept_documents(), submit=not draft)
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied:  # its state changed meanwhile (withdrawn, taken back…)
            messages.error(request, "Cette proposition ne peut plus être modifiée.")
            return redirect("editorial:list")
        else:
            messages.success(request, _saved_message(draft, sent_back=status.status_code != DRAFT))
            return redirect("editorial:list")
    return render(
        request,
        "editorial/edit.html",
        {"form": form, "proposal": status, "dossier": page.get_parent().specific},
        status=400 if form.errors else 200,
    )
