"""A member's proposals and where each one stands, in a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.formats import date_format
from wagtail.models import Page, WorkflowState

from cms.editorial import models
from cms.editorial.models import CollegeReviewTask, CollegeReviewTaskState, Proposal

DRAFT = "draft"
IN_COLLEGE_REVIEW = "college_review"
IN_COORDINATION_REVIEW = "coordination_review"
CHANGES_REQUESTED = "changes_requested"
PUBLISHED = "published"
SCHEDULED = "scheduled"
UNPUBLISHED = "unpublished"
REFUSED = models.REFUSED
WITHDRAWN = models.WITHDRAWN

DRAFT_LABEL = "Brouillon, pas encore envoyé en relecture"
CHANGES_LABEL = "Modifications demandées"
EDITABLE = (DRAFT, CHANGES_REQUESTED)
WITHDRAWABLE = (DRAFT, IN_COLLEGE_REVIEW, IN_COORDINATION_REVIEW, CHANGES_REQUESTED)


@dataclass(frozen=True)
class ProposalStatus:
    page: Page
    title: str
    status_label: str
    status_code: str
    url: str
    comment: str
    proposal: Proposal
    comment_step: str = ""  # the step whose reviewer wrote the comment
    commented_at: datetime | None = None

    @property
    def can_withdraw(self) -> bool:
        return self.status_code in WITHDRAWABLE

    @property
    def can_edit(self) -> bool:
        """A draft, or a proposal sent back for changes: its proposer edits and sends it."""
        return self.status_code in EDITABLE

    @property
    def edit_url(self) -> str:
        return reverse("editorial:edit", args=[self.page.pk]) if self.can_edit else ""


def _latest_states(page_ids: list[int]) -> dict[int, WorkflowState]:
    """The most recent workflow state of each page, with its current task state."""
    page_type = ContentType.objects.get_for_model(Page)
    states = (
        WorkflowState.objects.filter(
            base_content_type=page_type, object_id__in=[str(pk) for pk in page_ids]
        )
        .select_related("current_task_state__task")
        .order_by("created_at", "pk")
    )
    return {int(state.object_id): state for state in states}


def _college_names(task_state_ids: list[int]) -> dict[int, str]:
    states = CollegeReviewTaskState.objects.filter(pk__in=task_state_ids).prefetch_related(
        "colleges"
    )
    return {
        state.pk: ", ".join(college.name for college in state.colleges.all()) for state in states
    }


def _in_progress(state: WorkflowState, college_names: dict[int, str]) -> tuple[str, str]:
    task_state = state.current_task_state
    college_type = ContentType.objects.get_for_model(CollegeReviewTask)
    if task_state is not None and task_state.task.content_type_id == college_type.pk:
        names = college_names.get(task_state.pk)
        if names:
            return IN_COLLEGE_REVIEW, f"En relecture par les référents du collège {names}"
        return IN_COLLEGE_REVIEW, "En relecture par la coordination (étape des collèges)"
    return IN_COORDINATION_REVIEW, "En relecture par la coordination"


def _comment(state: WorkflowState) -> str:
    return state.current_task_state.comment if state.current_task_state else ""


def _status(proposal: Proposal, state: WorkflowState | None, college_names) -> tuple[str, str, str]:
    """(code, label, comment) of a proposal."""
    page = proposal.page
    if page.live:
        return PUBLISHED, "Publiée", ""
    if proposal.closed_as == REFUSED:
        return REFUSED, "Refusée", _comment(state) if state else ""
    if proposal.closed_as == WITHDRAWN:
        return WITHDRAWN, "Retirée", ""
    if state is None:
        return DRAFT, DRAFT_LABEL, ""
    if state.status == WorkflowState.STATUS_IN_PROGRESS:
        code, label = _in_progress(state, college_names)
        return code, label, ""
    if state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        return CHANGES_REQUESTED, CHANGES_LABEL, _comment(state)
    if state.status == WorkflowState.STATUS_CANCELLED:
        return WITHDRAWN, "Retirée", ""
    if page.go_live_at:
        when = date_format(page.go_live_at, "j F Y")
        return SCHEDULED, f"Acceptée, publication prévue le {when}", ""
    return UNPUBLISHED, "Acceptée, puis retirée du site par la coordination", ""


def _statuses(proposals: list[Proposal]) -> list[ProposalStatus]:
    if not proposals:
        return []
    states = _latest_states([proposal.page_id for proposal in proposals])
    college_step_ids = [
        state.current_task_state_id
        for state in states.values()
        if state.status == WorkflowState.STATUS_IN_PROGRESS and state.current_task_state_id
    ]
    college_names = _college_names(college_step_ids)
    result = []
    for proposal in proposals:
        page = proposal.page
        state = states.get(page.pk)
        code, label, comment = _status(proposal, state, college_names)
        task_state = state.current_task_state if state and comment else None
        result.append(
            ProposalStatus(
                page=page,
                title=page.draft_title or page.title,
                status_label=label,
                status_code=code,
                url=page.url if code == PUBLISHED else "",
                comment=comment,
                proposal=proposal,
                comment_step=task_state.task.name if task_state else "",
                commented_at=task_state.finished_at if task_state else None,
            )
        )
    return result


def proposals_of(user) -> list[ProposalStatus]:
    """The proposals this user made on the site, newest first, with their status."""
    if not user.is_authenticated:
        return []
    return _statuses(list(Proposal.objects.filter(proposer=user).select_related("page")))


def status_of(proposal: Proposal) -> ProposalStatus:
    """Where one proposal stands (the same answer as in its proposer's list)."""
    return _statuses([proposal])[0]
