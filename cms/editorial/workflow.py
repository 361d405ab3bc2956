"""The "Relecture des contributions" workflow: created once, attached to every dossier list.

Steps: the referents of the contribution's colleges (``CollegeReviewTask``), then the
"Coordination" group (Wagtail's ``GroupApprovalTask``); approving the last step publishes,
as Wagtail does. The workflow is attached (``WorkflowPage``) to each ``DossierIndexPage``, so
it applies to its dossiers and their contributions, including pages created later by the
content loader or in the admin. An existing assignment of another workflow is left alone.
"""

from __future__ import annotations

from django.db import transaction
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask

from cms.dossiers.pages import DossierIndexPage
from cms.editorial.models import CollegeReviewTask
from members.roles import COORDINATION_GROUP, ensure_role_groups

WORKFLOW_NAME = "Relecture des contributions"
COLLEGE_TASK_NAME = "Relecture par les référents du collège"
COORDINATION_TASK_NAME = "Relecture par la coordination"


@transaction.atomic
def ensure_review_workflow() -> Workflow | None:
    """Create (or complete) the workflow and its two steps; None until the role groups exist."""
    groups = ensure_role_groups()
    if groups is None:
        return None
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    college_task = CollegeReviewTask.objects.filter(name=COLLEGE_TASK_NAME).first()
    if college_task is None:
        college_task = CollegeReviewTask.objects.create(name=COLLEGE_TASK_NAME)
    coordination_task = GroupApprovalTask.objects.filter(name=COORDINATION_TASK_NAME).first()
    if coordination_task is None:
        coordination_task = GroupApprovalTask.objects.create(name=COORDINATION_TASK_NAME)
    coordination_task.groups.add(groups[COORDINATION_GROUP])
    for order, task in enumerate((college_task, coordination_task)):
        WorkflowTask.objects.get_or_create(
            workflow=workflow, task=task, defaults={"sort_order": order}
        )
    return workflow


def attach_to(page: Page, workflow: Workflow) -> None:
    """Make the workflow apply to this page's subtree, unless another one was chosen for it."""
    WorkflowPage.objects.get_or_create(page=page, defaults={"workflow": workflow})


def attach_to_dossier_lists(workflow: Workflow) -> None:
    for page in DossierIndexPage.objects.all():
        attach_to(page, workflow)


def setup_after_migrate(**kwargs) -> None:
    workflow = ensure_review_workflow()
    if workflow is not None:
        attach_to_dossier_lists(workflow)


def attach_to_new_dossier_list(sender, instance, created, raw=False, **kwargs) -> None:
    if not created or raw:
        return
    workflow = ensure_review_workflow()
    if workflow is not None:
        attach_to(instance, workflow)
