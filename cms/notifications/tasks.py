"""Background tasks (django-tasks): publishing returns before the e-mails go out."""

from django_tasks import task

from cms.notifications.delivery import notify_followers


@task()
def notify_new_contribution(contribution_id: int) -> int:
    return notify_followers(contribution_id)


@task()
def deliver_outgoing_emails(ids: list[int] | None = None) -> int:
    from cms.notifications.outbox import deliver  # the outbox builds on these tasks

    sent, _failed = deliver(ids)
    return sent
