"""Background tasks (django-tasks): publishing returns before the e-mails go out."""

from django_tasks import task

from cms.notifications.delivery import notify_followers


@task()
def notify_new_contribution(contribution_id: int) -> int:
    return notify_followers(contribution_id)
