"""The rule of adoption: a new version needs every college's approval.

Coordination puts a draft revision of the règlement to the colleges (``propose``); the
referents of each college record their college's approval (``approve``); when all
colleges (every ``members.College`` row) have approved, coordination adopts it
(``adopt``): the revision is published with the new label, date and approving colleges,
and a ``ReglementVersion`` keeps the text and the approvals. Every refusal raises
``Refused`` with a French message for the person who asked, and changes nothing.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from wagtail.log_actions import log

from cms.reglement.models import (
    CollegeApproval,
    ReglementVersion,
    VersionApproval,
    VersionProposal,
)
from cms.reglement.texts import article_items
from members.models import College
from members.permissions import is_coordination

LABEL_MAX_LENGTH = 40


class Refused(Exception):
    """An action the rule does not allow; ``message`` is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def referent_colleges(user) -> QuerySet:
    """The colleges this user is a referent of (through the college's referents group)."""
    if not user.is_authenticated or not user.is_active:
        return College.objects.none()
    return College.objects.filter(referents_group__user=user)


def may_follow_proposals(user) -> bool:
    """Coordination and referents follow proposals; other members only see adopted versions."""
    return is_coordination(user) or referent_colleges(user).exists()


def missing_colleges(proposal: VersionProposal) -> list[College]:
    approved = proposal.approvals.values("college_id")
    return list(College.objects.exclude(pk__in=approved))


def _names(colleges: list[College]) -> str:
    return ", ".join(college.name for college in colleges)


# ---------------------------------------------------------------------------
# Proposing


def clean_label(page, label: str) -> str:
    label = " ".join((label or "").split())
    if not label:
        raise Refused("Indiquez le numéro de la version proposée, par exemple « 2.1 ».")
    if len(label) > LABEL_MAX_LENGTH:
        raise Refused(f"Le numéro de version ne doit pas dépasser {LABEL_MAX_LENGTH} caractères.")
    if label == page.version_label or page.versions.filter(label=label).exists():
        raise Refused(f"La version « {label} » existe déjà : choisissez un autre numéro.")
    return label


def draft_revision(page):
    """The page's latest revision when it is a draft newer than the published text."""
    revision = page.get_latest_revision()
    if revision is None or not page.has_unpublished_changes:
        return None
    if page.live_revision_id and revision.pk == page.live_revision_id:
        return None
    return revision


@transaction.atomic
def propose(page, user, label: str) -> VersionProposal:
    if not is_coordination(user):
        raise Refused("Seule la coordination peut proposer une nouvelle version du règlement.")
    label = clean_label(page, label)
    revision = draft_revision(page)
    if revision is None:
        raise Refused(
            "Ce règlement n'a pas de brouillon à proposer : modifiez-le d'abord dans "
            "l'administration, sans le publier."
        )
    if page.proposals.filter(status=VersionProposal.Status.OPEN).exists():
        raise Refused("Une proposition est déjà soumise aux collèges : retirez-la ou adoptez-la.")
    try:
        with transaction.atomic():
            proposal = VersionProposal.objects.create(
                page=page, revision=revision, label=label, created_by=user
            )
    except IntegrityError:  # a concurrent proposal won the race
        raise Refused(
            "Une proposition est déjà soumise aux collèges : retirez-la ou adoptez-la."
        ) from None
    log(
        instance=page,
        action="reglement.propose",
        user=user,
        revision=revision,
        data={"label": label, "proposal_id": proposal.pk},
    )
    return proposal


# ---------------------------------------------------------------------------
# Approving


@transaction.atomic
def approve(proposal: VersionProposal, college: College, user) -> CollegeApproval:
    proposal = VersionProposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_open:
        raise Refused("Cette proposition n'est plus soumise aux collèges.")
    if not referent_colleges(user).filter(pk=college.pk).exists():
        raise Refused(
            f"Seuls les référents du collège « {college.name} » peuvent enregistrer "
            "son approbation."
        )
    if proposal.approvals.filter(college=college).exists():
        raise Refused(f"Le collège « {college.name} » a déjà approuvé cette proposition.")
    approval = CollegeApproval.objects.create(proposal=proposal, college=college, approved_by=user)
    log(
        instance=proposal.page.specific,
        action="reglement.approve",
        user=user,
        data={"label": proposal.label, "college": college.name, "proposal_id": proposal.pk},
    )
    return approval


# ---------------------------------------------------------------------------
# Adopting


def record_version(
    page, label: str, adopted_on, intro: str, articles: list, revision=None
) -> ReglementVersion:
    return ReglementVersion.objects.create(
        page=page,
        label=label,
        adopted_on=adopted_on,
        intro=intro or "",
        articles=articles,
        revision=revision,
    )


def keep_current_version(page) -> ReglementVersion | None:
    """Record the text in force before it is replaced, unless it already is a version."""
    if not page.live or not page.version_label:
        return None
    if page.versions.filter(label=page.version_label).exists():
        return None
    live = page.live_revision.as_object() if page.live_revision_id else page
    version = record_version(
        page,
        page.version_label,
        page.adopted_on,
        live.intro,
        article_items(live),
        page.live_revision,
    )
    VersionApproval.objects.bulk_create(
        VersionApproval(version=version, college=college, approved_on=page.adopted_on)
        for college in page.approved_by.all()
    )
    return version


@transaction.atomic
def adopt(proposal: VersionProposal, user, on: datetime.date | None = None) -> ReglementVersion:
    proposal = VersionProposal.objects.select_for_update().get(pk=proposal.pk)
    if not is_coordination(user):
        raise Refused("Seule la coordination peut publier une nouvelle version du règlement.")
    if not proposal.is_open:
        raise Refused("Cette proposition n'est plus soumise aux collèges.")
    missing = missing_colleges(proposal)
    if missing:
        raise Refused(
            "Publication impossible : tous les collèges doivent d'abord approuver cette version. "
            f"Il manque l'approbation de : {_names(missing)}."
        )
    if proposal.revision is None:
        raise Refused("La révision proposée n'existe plus : retirez cette proposition.")

    page = proposal.page.specific
    on = on or timezone.localdate()
    approvals = list(proposal.approvals.select_related("college"))
    keep_current_version(page)

    # A new revision of the proposed text, with the adoption fields filled in.
    adopted = proposal.revision.as_object()
    adopted.version_label = proposal.label
    adopted.adopted_on = on
    adopted.approved_by = [approval.college for approval in approvals]
    revision = adopted.save_revision(user=user, log_action=True)
    revision.publish(user=user)

    version = record_version(
        page, proposal.label, on, adopted.intro, article_items(adopted), revision
    )
    VersionApproval.objects.bulk_create(
        VersionApproval(
            version=version,
            college=approval.college,
            approved_on=timezone.localdate(approval.approved_at),
        )
        for approval in approvals
    )
    proposal.status = VersionProposal.Status.ADOPTED
    proposal.version = version
    proposal.closed_at = timezone.now()
    proposal.save(update_fields=["status", "version", "closed_at"])
    log(
        instance=page,
        action="reglement.adopt",
        user=user,
        revision=revision,
        data={"label": proposal.label, "proposal_id": proposal.pk, "version_id": version.pk},
    )
    return version


@transaction.atomic
def withdraw(proposal: VersionProposal, user) -> None:
    proposal = VersionProposal.objects.select_for_update().get(pk=proposal.pk)
    if not is_coordination(user):
        raise Refused("Seule la coordination peut retirer une proposition.")
    if not proposal.is_open:
        raise Refused("Cette proposition n'est plus soumise aux collèges.")
    proposal.status = VersionProposal.Status.WITHDRAWN
    proposal.closed_at = timezone.now()
    proposal.save(update_fields=["status", "closed_at"])
    log(
        instance=proposal.page.specific,
        action="reglement.withdraw",
        user=user,
        data={"label": proposal.label, "proposal_id": proposal.pk},
    )
