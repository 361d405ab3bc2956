"""Creating a contribution proposed on the site, submitting it, and withdrawing it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.coreutils import find_available_slug
from wagtail.documents import get_document_model
from wagtail.log_actions import log
from wagtail.models import Collection, WorkflowState

from cms.content_loader import text_paragraphs, text_to_html
from cms.dossiers.pages import ContributionAttachment, ContributionPage, DossierPage
from cms.editorial.models import Proposal
from cms.editorial.workflow import ensure_review_workflow
from cms.file_references import check_page_files
from cms.visibility import Visibility, set_visibility
from members.models import College, Member

COLLECTION_NAME = "Propositions"


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
        blocks.append(("heading", {"text": "Préconisations", "level": "h2"}))
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


@transaction.atomic
def create_proposal(dossier: DossierPage, member: Member, content: ProposalContent) -> Proposal:
    """A draft contribution under the dossier, submitted to the review workflow.

    Raises ``ValidationError`` (nothing is kept) if the page would reference a file
    its author may not view.
    """
    user = member.user
    page = ContributionPage(
        title=content.title,
        draft_title=content.title,
        slug=find_available_slug(dossier, slugify(content.title)[:80] or "contribution"),
        live=False,
        owner=user,
        contribution_type=content.contribution_type,
        date=content.date or timezone.localdate(),
        summary=content.summary,
        body=body_blocks(content.text, content.preconisations),
    )
    page.colleges = content.colleges
    page.authors = [member]
    page.attachments = [
        ContributionAttachment(document=document, sort_order=index)
        for index, document in enumerate(_documents(content.files, user))
    ]
    # The rule of the admin form holds here too: the proposal may only carry files its
    # author may view (their own uploads), or its reviewers would open others' files.
    check_page_files(page, user)
    dossier.add_child(instance=page)
    revision = page.save_revision(user=user)
    log(instance=page, action="wagtail.create", user=user, revision=revision, content_changed=True)
    set_visibility(page, content.visibility)
    proposal = Proposal.objects.create(page=page, proposer=user)
    workflow = page.get_workflow() or ensure_review_workflow()
    assert workflow is not None  # None only while migrate has not made the permissions yet
    workflow.start(page, user)
    return proposal


def in_progress_state(page: ContributionPage) -> WorkflowState | None:
    return page.workflow_states.filter(status=WorkflowState.STATUS_IN_PROGRESS).first()


@transaction.atomic
def withdraw(proposal: Proposal, user) -> None:
    """Cancel the review of a proposal still under review; the draft stays unpublished."""
    if proposal.proposer_id != user.pk:
        raise PermissionDenied
    state = in_progress_state(proposal.page)
    if state is None or not state.user_can_cancel(user):
        raise PermissionDenied
    state.cancel(user=user)
