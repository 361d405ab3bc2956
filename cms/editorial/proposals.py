"""A contribution proposed on the site: created (as a draft or sent to review), edited by its
proposer while it is a draft or after a reviewer asked for changes, sent (back) into the
review workflow, withdrawn; and the marks a cancelled review leaves on it.

Sending back after « modifications demandées » follows Wagtail's own path (the submit
action of the admin's page editor): a new revision, then ``WorkflowState.resume``, which
starts again the step that asked for the changes. A review cancelled by its proposer makes
the proposal « retirée »; cancelled by a reviewer, « refusée ». The page stays a draft.
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.coreutils import find_available_slug
from wagtail.documents import get_document_model
from wagtail.log_actions import log
from wagtail.models import Collection, Page, WorkflowState

from cms.content_loader import text_paragraphs, text_to_html
from cms.dossiers.pages import ContributionAttachment, ContributionPage, DossierPage
from cms.editorial.models import CLOSED, REFUSED, WITHDRAWN, Proposal
from cms.editorial.notifications import tell_proposer_of_refusal
from cms.editorial.workflow import ensure_review_workflow
from cms.file_references import check_page_files
from cms.visibility import Visibility, set_visibility, visibility_of
from members.models import College, Member

COLLECTION_NAME = "Propositions"
PRECONISATIONS_HEADING = "Préconisations"


@dataclass
class ProposalContent:
    title: str
    summary: str
    text: str
    visibility: Visibility
    colleges: list[College]
    preconisations: list[tuple[str, str]] = field(default_factory=list)
    files: list = field(default_factory=list)
    contribution_type: str = ContributionPage.Type.SYNTHESE_ATELIER
    date: datetime.date | None = None


def proposals_collection() -> Collection:
    """The collection that holds the files attached to proposals (created on first use)."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=COLLECTION_NAME).first()
    return existing or root.add_child(name=COLLECTION_NAME)


def body_blocks(text: str, preconisations: list[tuple[str, str]]) -> list[tuple[str, object]]:
    blocks: list[tuple[str, object]] = [
        ("paragraph", text_to_html(paragraph)) for paragraph in text_paragraphs(text)
    ]
    if preconisations:
        blocks.append(("heading", {"text": PRECONISATIONS_HEADING, "level": "h2"}))
        blocks += [
            ("preconisation", {"title": title, "description": description})
            for title, description in preconisations
        ]
    return blocks


def _documents(files: list, user) -> list:
    Document = get_document_model()
    collection = proposals_collection() if files else None
    documents = []
    for upload in files:
        title = PurePath(upload.name).stem.replace("_", " ").strip() or upload.name
        document = Document(title=title[:255], file=upload, collection=collection)
        document.uploaded_by_user = user
        document._set_document_file_metadata()
        document.save()
        documents.append(document)
    return documents


def _fill(page: ContributionPage, content: ProposalContent) -> None:
    """The fields the proposal form writes, on a page or on the object of its revision."""
    page.title = page.draft_title = content.title
    page.contribution_type = content.contribution_type
    page.date = content.date or page.date or timezone.localdate()
    page.summary = content.summary
    page.body = body_blocks(content.text, content.preconisations)
    page.colleges = content.colleges


def _attachments(kept: list, files: list, user) -> list:
    documents = kept + _documents(files, user)
    return [
        ContributionAttachment(document=document, sort_order=index)
        for index, document in enumerate(documents)
    ]


def _start_review(page: ContributionPage, user) -> None:
    workflow = page.get_workflow() or ensure_review_workflow()
    assert workflow is not None  # None only while migrate has not made the permissions yet
    workflow.start(page, user)


@transaction.atomic
def create_proposal(
    dossier: DossierPage, member: Member, content: ProposalContent, submit: bool = True
) -> Proposal:
    """A draft contribution under the dossier, submitted to the review workflow unless the
    member only saves it as a draft (``submit=False``).

    Raises ``ValidationError`` (nothing is kept) if the page would reference a file
    its author may not view.
    """
    user = member.user
    page = ContributionPage(
        slug=find_available_slug(dossier, slugify(content.title)[:80] or "contribution"),
        live=False,
        owner=user,
    )
    _fill(page, content)
    page.authors = [member]
    page.attachments = _attachments([], content.files, user)
    # The rule of the admin form holds here too: the proposal may only carry files its
    # author may view (their own uploads), or its reviewers would open others' files.
    check_page_files(page, user)
    dossier.add_child(instance=page)
    revision = page.save_revision(user=user)
    log(instance=page, action="wagtail.create", user=user, revision=revision, content_changed=True)
    set_visibility(page, content.visibility)
    proposal = Proposal.objects.create(page=page, proposer=user)
    if submit:
        _start_review(page, user)
    return proposal


def in_progress_state(page: ContributionPage) -> WorkflowState | None:
    return page.workflow_states.filter(status=WorkflowState.STATUS_IN_PROGRESS).first()


def active_state(page: Page) -> WorkflowState | None:
    """The review in progress or waiting for changes, if any (Wagtail allows one)."""
    return WorkflowState.objects.active().for_instance(page).first()


def may_edit(proposal: Proposal, user) -> bool:
    """Its proposer edits a proposal never sent, or one a reviewer sent back for changes."""
    if proposal.proposer_id != user.pk or proposal.closed_as or proposal.page.live:
        return False
    state = active_state(proposal.page)
    if state is None:
        return not proposal.page.workflow_states.exists()
    return state.status == WorkflowState.STATUS_NEEDS_CHANGES


@transaction.atomic
def update_proposal(
    proposal: Proposal, content: ProposalContent, kept_documents: list, submit: bool
) -> None:
    """A new revision of the proposal with the member's changes; sent into review if asked.

    A review waiting for changes is resumed (the step that asked for them starts again, on
    the new revision), as the admin's page editor does; a draft starts the workflow.
    Raises ``PermissionDenied`` when the proposal may not be edited, ``ValidationError``
    (nothing is kept) when it would reference a file its author may not view.
    """
    user = proposal.proposer
    if not may_edit(proposal, user):
        raise PermissionDenied
    page = ContributionPage.objects.get(pk=proposal.page_id)
    draft = page.get_latest_revision_as_object()
    _fill(draft, content)
    draft.attachments = _attachments(kept_documents, content.files, user)
    check_page_files(draft, user)
    # The page is not live: its row holds the draft too, as the admin's editor keeps it.
    draft.save()
    draft.save_revision(user=user, log_action=True)
    set_visibility(draft, content.visibility)
    if not submit:
        return
    state = active_state(draft)
    if state is not None:
        state.resume(user)
    else:
        _start_review(draft, user)


def _paragraph_text(source: str) -> str:
    """A paragraph block written by ``text_to_html``, back to the text the member typed."""
    text = re.sub(r"<br\s*/?>", "\n", source)
    text = re.sub(r"<h2>(.*?)</h2>", r"## \1", text, flags=re.S)
    text = re.sub(r'<a [^>]*href="(/[^"]*)"[^>]*>(.*?)</a>', r"[\2](\1)", text, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def content_of(page: ContributionPage) -> dict:
    """What the proposal form shows of a draft: its latest revision, as the member typed it."""
    draft = page.get_latest_revision_as_object()
    paragraphs, preconisations = [], []
    for block in draft.body:
        if block.block_type == "paragraph":
            paragraphs.append(_paragraph_text(block.value.source))
        elif block.block_type == "preconisation":
            title, description = block.value["title"], block.value["description"]
            preconisations.append(f"{title} : {description}" if description else title)
    visibility = visibility_of(page)
    return {
        "title": draft.draft_title or draft.title,
        "contribution_type": draft.contribution_type,
        "date": draft.date,
        "summary": draft.summary,
        "text": "\n\n".join(paragraphs),
        "preconisations": "\n".join(preconisations),
        "visibility": visibility.level,
        "visible_to": list(visibility.college_slugs),
        "on_behalf_of": [college.slug for college in draft.colleges.all()],
    }


def attached_documents(page: ContributionPage) -> list:
    """The documents attached to the latest revision, in order."""
    draft = page.get_latest_revision_as_object()
    return [attachment.document for attachment in draft.attachments.all()]


def close(proposal: Proposal, outcome: str) -> None:
    proposal.closed_as, proposal.closed_at = outcome, timezone.now()
    proposal.save(update_fields=["closed_as", "closed_at"])


@transaction.atomic
def withdraw(proposal: Proposal, user) -> None:
    """Withdraw a draft, or cancel a review in progress or waiting for changes; the page
    stays an unpublished draft."""
    if proposal.proposer_id != user.pk or proposal.closed_as or proposal.page.live:
        raise PermissionDenied
    state = active_state(proposal.page)
    if state is None:
        if proposal.page.workflow_states.exists():
            raise PermissionDenied  # accepted: no longer the proposer's to withdraw
        close(proposal, WITHDRAWN)
        return
    if not state.user_can_cancel(user):
        raise PermissionDenied
    state.cancel(user=user)  # Wagtail's workflow_cancelled: mark_cancelled_review


def _proposal_of_state(workflow_state: WorkflowState) -> Proposal | None:
    if workflow_state.base_content_type.model_class() is not Page:
        return None
    return Proposal.objects.filter(page_id=int(workflow_state.object_id)).first()


def mark_cancelled_review(sender, instance: WorkflowState, user=None, **kwargs) -> None:
    """Wagtail's ``workflow_cancelled``: withdrawn by its proposer, refused by anyone else."""
    proposal = _proposal_of_state(instance)
    if proposal is None:
        return
    by_proposer = user is not None and user.pk == proposal.proposer_id
    close(proposal, WITHDRAWN if by_proposer else REFUSED)
    if not by_proposer:
        # The refusal's reason, if any, is written on the step just after the cancel
        # (CollegeReviewTask.refuse): read it when the e-mail is written, after the commit.
        transaction.on_commit(lambda: _tell_refusal(proposal.pk))


def _tell_refusal(proposal_id: int) -> None:
    proposal = Proposal.objects.select_related("page", "proposer").get(pk=proposal_id)
    if proposal.closed_as != REFUSED:
        return  # reopened in the same transaction (the admin's « restart the workflow »)
    state = WorkflowState.objects.for_instance(proposal.page).order_by("-created_at", "-pk")
    latest = state.select_related("current_task_state").first()
    comment = latest.current_task_state.comment if latest and latest.current_task_state else ""
    title = proposal.page.draft_title or proposal.page.title
    tell_proposer_of_refusal(proposal.proposer, title, comment)


def reopen_on_submission(sender, instance: WorkflowState, user=None, **kwargs) -> None:
    """Wagtail's ``workflow_submitted``: a review started again (the admin's « restart the
    workflow » cancels, then starts) reopens the proposal."""
    proposal = _proposal_of_state(instance)
    if proposal is not None and proposal.closed_as in CLOSED:
        proposal.closed_as, proposal.closed_at = "", None
        proposal.save(update_fields=["closed_as", "closed_at"])
