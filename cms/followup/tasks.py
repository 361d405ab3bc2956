"""Background tasks (django-tasks): a status change returns before the e-mails go out."""

from django_tasks import task

from cms.followup.notify import notify_status_change


@task()
def notify_status(entry_id: int) -> int:
    return notify_status_change(entry_id)


@task()
def generate_restitution(report_id: int) -> str:
    """Write an annual restitution's PDF and ODT, its progress saved step by step."""
    from cms.followup.models import RestitutionReport
    from cms.followup.restitution import generate

    report = RestitutionReport.objects.filter(pk=report_id).first()
    if report is None:
        return "introuvable"
    return generate(report).state
