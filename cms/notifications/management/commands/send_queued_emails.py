"""manage.py send_queued_emails: send the e-mails the mail server did not take yet."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from cms.notifications.outbox import deliver


class Command(BaseCommand):
    help = (
        "Envoie les courriels en attente (serveur de courriel injoignable lors du premier "
        "essai). À lancer toutes les cinq minutes (minuteur systemd ou cron)."
    )

    def handle(self, *args, **options) -> None:
        sent, failed = deliver()
        self.stdout.write(f"Courriels envoyés : {sent}, toujours en attente : {failed}")
