"""The per-college review step of the contributions workflow, and proposals made on the site.

``CollegeReviewTask`` is a Wagtail workflow task whose reviewers are not a fixed group: they
are the referents of the colleges of the contribution under review. The colleges are read
from the revision submitted to the step and stored on its task state, so the routing is
fixed for that review and cheap to query. When none of these colleges has an active
referent (or the page has no college, e.g. a dossier page), coordination acts on the step,
so that nothing stays stuck. Superusers may always act, as in Wagtail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Task, TaskState, WorkflowState
from wagtail.signals import task_submitted

from members.models import College
from members.roles import COORDINATION_GROUP

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


# The college step's own action beside approve and reject (« demander des modifications »).
REFUSE = "refuse"


class CollegeReviewTaskState(TaskState):
    """A college review in progress or done: the colleges it was routed to."""

    # Annotated: django-stubs cannot infer the field on a subclass of an untyped Wagtail model.
    colleges: models.ManyToManyField[College, models.Model] = models.ManyToManyField(
        College, blank=True, related_name="+", verbose_name=_("collèges relecteurs")
    )

    class Meta:
        verbose_name = _("relecture par un collège")
        verbose_name_plural = _("relectures par les collèges")


def colleges_of(obj) -> list[College]:
    """The colleges of a page as submitted (a revision's object carries its own colleges)."""
    colleges = getattr(obj, "colleges", None)
    if colleges is None:
        return []
    return list(colleges.all())


def coordination_group_id() -> int | None:
    return Group.objects.filter(name=COORDINATION_GROUP).values_list("pk", flat=True).first()


def staffed_referents_group_ids(colleges) -> set[int]:
    """Referents groups of these colleges that hold at least one active account."""
    group_ids = {college.referents_group_id for college in colleges if college.referents_group_id}
    if not group_ids:
        return set()
    return set(
        Group.objects.filter(pk__in=group_ids, user__is_active=True)
        .values_list("pk", flat=True)
        .distinct()
    )


def reviewer_group_ids(task_state: CollegeReviewTaskState) -> set[int]:
    """Groups whose members review this step: the colleges' referents, else coordination."""
    staffed = staffed_referents_group_ids(task_state.colleges.all())
    if staffed:
        return staffed
    coordination = coordination_group_id()
    return {coordination} if coordination else set()


def _user_group_ids(user) -> frozenset[int]:
    # Cached on the user object: the admin asks the same question many times per request.
    cached = getattr(user, "_editorial_group_ids", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("pk", flat=True))
        user._editorial_group_ids = cached
    return cached


class CollegeReviewTask(Task):
    """Approval by the referents of the contribution's own colleges."""

    task_state_class = CollegeReviewTaskState

    class Meta:
        verbose_name = _("relecture par les référents du collège")
        verbose_name_plural = _("relectures par les référents des collèges")

    @classmethod
    def get_description(cls) -> StrOrPromise:
        return _(
            "Les référents des collèges de la contribution la relisent et l'approuvent. "
            "Sans collège ou sans référent actif, la coordination agit à leur place."
        )

    # -- who reviews -----------------------------------------------------------

    def user_can_moderate(self, task_state: TaskState | None, user) -> bool:
        if task_state is None or not user.is_active or not user.is_authenticated:
            return False
        if user.is_superuser:
            return True
        task_state = task_state.specific
        if not isinstance(task_state, CollegeReviewTaskState) or task_state.task_id != self.pk:
            return False
        return bool(reviewer_group_ids(task_state) & _user_group_ids(user))

    def current_state_for(self, obj) -> CollegeReviewTaskState | None:
        """The in-progress review of this object at this step, if any."""
        return (
            CollegeReviewTaskState.objects.filter(
                task=self,
                status=TaskState.STATUS_IN_PROGRESS,
                workflow_state__status=WorkflowState.STATUS_IN_PROGRESS,
                workflow_state__base_content_type=obj.get_base_content_type(),
                workflow_state__object_id=str(obj.pk),
            )
            .prefetch_related("colleges")
            .first()
        )

    def _moderates(self, obj, user) -> bool:
        return user.is_superuser or self.user_can_moderate(self.current_state_for(obj), user)

    # -- Wagtail's task interface ------------------------------------------------

    def start(self, workflow_state: WorkflowState, user=None) -> CollegeReviewTaskState:
        # As Task.start, but the colleges are stored before reviewers are notified.
        with transaction.atomic():
            task_state = CollegeReviewTaskState(
                workflow_state=workflow_state,
                status=TaskState.STATUS_IN_PROGRESS,
                revision=workflow_state.content_object.get_latest_revision(),
                task=self,
            )
            task_state.save()
            task_state.colleges.set(colleges_of(task_state.revision.as_object()))
            self._release_lock_of_non_reviewer(workflow_state.content_object, task_state)
        task_submitted.send(sender=CollegeReviewTaskState, instance=task_state, user=user)
        return task_state

    def _release_lock_of_non_reviewer(self, obj, task_state: CollegeReviewTaskState) -> None:
        """As Wagtail's group approval: a lock held by someone who cannot review is lifted."""
        locked_by = getattr(obj, "locked_by", None)
        if locked_by is None or self.user_can_moderate(task_state, locked_by):
            return
        obj.locked, obj.locked_by, obj.locked_at = False, None, None
        obj.save(update_fields=["locked", "locked_by", "locked_at"])

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        # Wagtail's action view checks the actions on the page named in the URL, not on the
        # task state it acts on: check the task state itself.
        if not self.user_can_moderate(task_state, user):
            raise PermissionDenied
        if action_name == REFUSE:
            return self.refuse(task_state, user, kwargs.get("comment", ""))
        return super().on_action(task_state, user, action_name, **kwargs)

    def refuse(self, task_state: TaskState, user, comment: str = "") -> None:
        """Close the review for good: the workflow is cancelled (a proposal made on the site
        becomes « refusée », see ``cms.editorial.proposals.mark_cancelled_review``) and the
        reviewer's reason stays on this step, where its proposer reads it."""
        task_state.workflow_state.cancel(user=user)
        # Cancelling empties the comment of the step in progress: put the reason back.
        TaskState.objects.filter(pk=task_state.pk).update(comment=comment)

    def user_can_access_editor(self, obj, user) -> bool:
        return self._moderates(obj, user)

    def locked_for_user(self, obj, user) -> bool:
        return not self._moderates(obj, user)

    def user_can_lock(self, obj, user) -> bool:
        return self._moderates(obj, user)

    def user_can_unlock(self, obj, user) -> bool:
        return False

    def get_actions(self, obj, user) -> list[tuple[str, StrOrPromise, bool]]:
        if not self._moderates(obj, user):
            return []
        return [
            ("reject", _("Demander des modifications"), True),
            (REFUSE, _("Refuser définitivement"), True),
            ("approve", _("Approuver"), False),
            ("approve", _("Approuver avec un commentaire"), True),
        ]

    def get_task_states_user_can_moderate(self, user, **kwargs) -> QuerySet:
        states = TaskState.objects.filter(task=self, status=TaskState.STATUS_IN_PROGRESS)
        if not user.is_active or not user.is_authenticated:
            return TaskState.objects.none()
        if user.is_superuser:
            return states
        group_ids = _user_group_ids(user)
        # The user is active, so a college whose referents group they are in is staffed.
        reviewable = Q(collegereviewtaskstate__colleges__referents_group__in=group_ids)
        if coordination_group_id() in group_ids:
            staffed = College.objects.filter(referents_group__user__is_active=True)
            reviewable |= ~Q(
                pk__in=states.filter(collegereviewtaskstate__colleges__in=staffed).values("pk")
            )
        # A plain queryset of TaskState: Wagtail unions it with other tasks' querysets.
        return TaskState.objects.filter(pk__in=states.filter(reviewable).values("pk"))


WITHDRAWN = "withdrawn"
REFUSED = "refused"
CLOSED = (WITHDRAWN, REFUSED)


class Proposal(models.Model):
    """A contribution a member proposed on the site; the page stays a draft until published."""

    page = models.OneToOneField(
        "cms.ContributionPage",
        on_delete=models.CASCADE,
        related_name="proposal",
        verbose_name=_("contribution"),
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contribution_proposals",
        verbose_name=_("proposée par"),
    )
    created_at = models.DateTimeField(_("proposée le"), default=timezone.now)
    closed_as = models.CharField(
        _("close"),
        max_length=20,
        blank=True,
        choices=[(WITHDRAWN, _("retirée par son auteur")), (REFUSED, _("refusée à la relecture"))],
        help_text=_(
            "Vide tant que la proposition est en cours. Une proposition retirée ou refusée "
            "n'est jamais publiée et n'apparaît plus parmi les pages du dossier."
        ),
    )
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("proposition de contribution")
        verbose_name_plural = _("propositions de contribution")

    def __str__(self) -> str:
        return self.page.title
