"""Background tasks (django-tasks): a status change returns before the e-mails go out."""

from django_tasks import task

from cms.followup.notify import notify_status_change


@task()
def notify_status(entry_id: int) -> int:
    return notify_status_change(entry_id)
