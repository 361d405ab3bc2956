"""E-mails of the review workflow.

- Referents (or coordination, when it acts on the college step) receive a French e-mail
  when a contribution awaits their review, with the link to review it in the admin. It is
  a Wagtail notifier: it respects each person's admin notification preferences.
- The submitter's e-mails on rejection and approval are Wagtail's own notifiers, written
  in French by the templates of ``cms/editorial/templates/wagtailadmin/notifications/``
  (they take precedence over Wagtail's, this app being listed before ``wagtail.admin``).
- The coordination step is Wagtail's group approval task: Wagtail notifies that group.
- A refused proposal (its review cancelled by a reviewer) is told to its proposer, with the
  reason, after the commit (Wagtail sends nothing when a workflow is cancelled); as the
  rejection e-mail, it follows their « rejected » notification preference.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from wagtail.admin.mail import EmailNotificationMixin, Notifier
from wagtail.users.models import UserProfile

from cms.editorial.models import CollegeReviewTaskState, reviewer_group_ids
from shared.links import absolute_url


class CollegeReviewSubmissionNotifier(EmailNotificationMixin, Notifier):
    """Tells the reviewers of a college step that a contribution awaits them."""

    notification = "submitted"
    template_directory = "editorial/emails/"

    def __init__(self) -> None:
        super().__init__((CollegeReviewTaskState,))

    def get_recipient_users(self, task_state: CollegeReviewTaskState, **kwargs) -> set:
        triggering_user = kwargs.get("user")
        users = get_user_model().objects.filter(
            is_active=True, groups__in=reviewer_group_ids(task_state)
        )
        if triggering_user is not None:
            users = users.exclude(pk=triggering_user.pk)
        return set(users.distinct())

    def get_template_base_prefix(self, instance, **kwargs) -> str:
        return "college_review_"

    def get_context(self, task_state: CollegeReviewTaskState, **kwargs) -> dict:
        context = super().get_context(task_state, **kwargs)
        page = task_state.workflow_state.content_object.specific
        preview = reverse("wagtailadmin_pages:workflow_preview", args=[page.pk, task_state.task_id])
        context.update(
            {
                "page": page,
                "task": task_state.task.specific,
                "colleges": list(task_state.colleges.all()),
                "requested_by": task_state.workflow_state.requested_by,
                "edit_url": absolute_url(reverse("wagtailadmin_pages:edit", args=[page.pk])),
                "preview_url": absolute_url(preview),
            }
        )
        return context


college_review_submission_notifier = CollegeReviewSubmissionNotifier()


def tell_proposer_of_refusal(user, title: str, comment: str) -> None:
    """After the commit, a French e-mail to the proposer of a refused proposal."""
    if not user.email or not user.is_active:
        return
    if not UserProfile.get_for_user(user).rejected_notifications:
        return
    context = {
        "user": user,
        "title": title,
        "comment": comment,
        "list_url": absolute_url(reverse("editorial:list")),
        "contact_url": absolute_url(reverse("contact:form")),
    }
    subject = render_to_string("editorial/emails/proposal_refused_subject.txt", context).strip()
    body = render_to_string("editorial/emails/proposal_refused.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email], fail_silently=True))
