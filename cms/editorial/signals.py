"""The review workflow set up after migrations, on new dossier lists, its e-mails, and the
mark a cancelled review leaves on a proposal (withdrawn or refused)."""

from django.db.models.signals import post_migrate, post_save
from wagtail.signals import task_submitted, workflow_cancelled, workflow_submitted

from cms.dossiers.pages import DossierIndexPage
from cms.editorial import notifications, proposals, workflow
from cms.editorial.models import CollegeReviewTaskState


def connect() -> None:
    # Every app's post_migrate: the workflow needs the role groups and Wagtail's tables.
    post_migrate.connect(workflow.setup_after_migrate, dispatch_uid="editorial.workflow")
    post_save.connect(
        workflow.attach_to_new_dossier_list,
        sender=DossierIndexPage,
        dispatch_uid="editorial.attach_workflow",
    )
    task_submitted.connect(
        notifications.college_review_submission_notifier,
        sender=CollegeReviewTaskState,
        dispatch_uid="editorial.college_review_submitted",
    )
    workflow_cancelled.connect(
        proposals.mark_cancelled_review, dispatch_uid="editorial.proposal_cancelled"
    )
    workflow_submitted.connect(
        proposals.reopen_on_submission, dispatch_uid="editorial.proposal_submitted"
    )
