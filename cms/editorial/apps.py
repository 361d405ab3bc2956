"""Per-college review workflow and contributions proposed from the site."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


class EditorialConfig(AppConfig):
    name = "cms.editorial"
    label = "editorial"
    verbose_name = "Relecture et propositions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.signals import task_submitted

        from cms.dossiers.pages import DossierIndexPage
        from cms.editorial import notifications, workflow
        from cms.editorial.models import CollegeReviewTaskState

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
