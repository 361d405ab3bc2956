"""The item page and the actions on it: update, timeline entry, « soutenir ».

An item the reader may not see answers the 404 of a missing one (its title must not
leak); an action the reader may not take on an item they see is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cms.access import can_view_file, can_view_page, visible_pages
from cms.followup.access import (
    active_member,
    can_add_entry,
    can_endorse,
    can_manage,
    can_view_item,
)
from cms.followup.forms import EntryForm, UpdateForm
from cms.followup.models import Endorsement, FollowupBoardPage, TrackedItem
from cms.followup.services import add_entry, endorse, update_item, withdraw_endorsement
from members.visibility import shown_name


def _item_for(request: HttpRequest, item_id: int) -> TrackedItem:
    item = (
        TrackedItem.objects.select_related(
            "contribution", "contribution__meeting", "dossier", "convention", "territory"
        )
        .filter(pk=item_id)
        .first()
    )
    if item is None or not can_view_item(request.user, item):
        raise Http404("Préconisation introuvable")
    return item


def timeline_rows(user, item: TrackedItem) -> list[dict]:
    """The entries, with their evidence only where the reader may open it."""
    rows = []
    entries = item.entries.select_related(
        "author__member", "evidence_page", "evidence_document"
    ).prefetch_related("author__member__memberships__college")
    for entry in entries:
        member = getattr(entry.author, "member", None) if entry.author else None
        page = entry.evidence_page
        document = entry.evidence_document
        rows.append(
            {
                "entry": entry,
                "author": shown_name(member) if member else "",
                "page": page if page and page.live and can_view_page(user, page) else None,
                "document": document if document and can_view_file(user, document) else None,
            }
        )
    return rows


def endorsements_by_college(item: TrackedItem) -> list[tuple[str, int]]:
    """(college, members who endorsed) — a member of two colleges counts in each."""
    rows = (
        Endorsement.objects.filter(item=item)
        .values_list("member__memberships__college__name")
        .annotate(n=Count("member", distinct=True))
        .order_by("member__memberships__college__sort_order", "member__memberships__college__name")
    )
    return [(name or "Sans collège", count) for name, count in rows]


def _boards(request: HttpRequest, item: TrackedItem):
    if item.convention_id is None:
        return FollowupBoardPage.objects.none()
    boards = FollowupBoardPage.objects.live().child_of(item.convention)
    return visible_pages(request.user, boards)


def _render_item(request, item, *, update_form=None, entry_form=None, status=200):
    user = request.user
    manages = can_manage(user, item)
    adds = can_add_entry(user, item)
    member = active_member(user)
    meeting = item.contribution.meeting
    context = {
        "item": item,
        "timeline": timeline_rows(user, item),
        "carrier_organisations": item.carrier_organisations.all(),
        "carrier_members": [
            shown_name(m)
            for m in item.carrier_members.select_related("user").prefetch_related(
                "memberships__college"
            )
        ],
        "colleges": item.colleges.all(),
        "endorsement_count": item.endorsements.count(),
        "endorsements_by_college": endorsements_by_college(item),
        "endorsed": bool(member) and item.endorsements.filter(member=member).exists(),
        "may_endorse": can_endorse(user, item),
        "meeting": meeting if meeting and meeting.live and can_view_page(user, meeting) else None,
        "boards": _boards(request, item),
        "update_form": (update_form or UpdateForm(user=user, item=item)) if manages else None,
        "entry_form": (entry_form or EntryForm(user=user, item=item))
        if adds and not manages
        else None,
    }
    return render(request, "followup/item_page.html", context, status=status)


def item_page(request: HttpRequest, item_id: int) -> HttpResponse:
    return _render_item(request, _item_for(request, item_id))


def _acting_on(request: HttpRequest, item_id: int, may, refusal: str) -> TrackedItem:
    """The item an action is about: 404 if the reader may not see it, 403 if ``may`` refuses."""
    item = _item_for(request, item_id)
    if not may(request.user, item):
        raise PermissionDenied(refusal)
    return item


def _step_values(form: EntryForm) -> dict:
    """What a timeline step records, from either form (both inherit EntryForm's fields)."""
    return {name: form.cleaned_data[name] for name in ("text", "date", "evidence_page")}


def _to_item(item: TrackedItem, anchor: str = "") -> HttpResponse:
    return redirect(reverse("followup:item", args=[item.pk]) + anchor)


def _step(request: HttpRequest, item_id: int, form_class, may, refusal: str, save):
    """A form that writes a timeline step: 400 with the form's errors, or ``save`` it."""
    item = _acting_on(request, item_id, may, refusal)
    form = form_class(request.POST, user=request.user, item=item)
    if not form.is_valid():
        form_key = "update_form" if form_class is UpdateForm else "entry_form"
        return _render_item(request, item, status=400, **{form_key: form})
    save(item, form)
    return _to_item(item, "#historique")


@login_required
@require_POST
def update(request: HttpRequest, item_id: int) -> HttpResponse:
    def save(item: TrackedItem, form: UpdateForm) -> None:
        if update_item(item, request.user, form.follow_up_values(), **_step_values(form)):
            messages.success(request, "Le suivi est mis à jour.")
        else:
            messages.info(request, "Rien n'a changé : aucune étape n'a été ajoutée.")

    refusal = (
        "Seules la coordination et les référents des collèges à l'origine mettent à jour ce suivi."
    )
    return _step(request, item_id, UpdateForm, can_manage, refusal, save)


@login_required
@require_POST
def entry(request: HttpRequest, item_id: int) -> HttpResponse:
    def save(item: TrackedItem, form: EntryForm) -> None:
        add_entry(item, request.user, **_step_values(form))
        messages.success(request, "L'étape est ajoutée au suivi.")

    refusal = "Seuls les porteurs et les personnes chargées du suivi ajoutent des étapes."
    return _step(request, item_id, EntryForm, can_add_entry, refusal, save)


@login_required
@require_POST
def endorsement(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _acting_on(
        request,
        item_id,
        can_endorse,
        "Seuls les membres actifs soutiennent une préconisation en cours de suivi.",
    )
    member = active_member(request.user)
    if request.POST.get("action") == "retirer":
        withdraw_endorsement(item, member, request.user)
        messages.success(request, "Votre soutien est retiré.")
    elif endorse(item, member, request.user):
        messages.success(request, "Merci : votre soutien est compté.")
    else:
        messages.info(request, "Vous soutenez déjà cette préconisation.")
    return _to_item(item)
