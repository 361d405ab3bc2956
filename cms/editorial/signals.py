"""The review workflow set up after migrations, on new dossier lists, and its e-mails."""

from django.db.models.signals import post_migrate, post_save
from wagtail.signals import task_submitted

from cms.dossiers.pages import DossierIndexPage
from cms.editorial import notifications, workflow
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
