"""Send the weekly digests of followed dossiers (run once a week, e.g. from cron)."""

from django.core.management.base import BaseCommand

from cms.followup.notify import send_status_digests
from cms.notifications.delivery import send_digests


class Command(BaseCommand):
    help = (
        "Envoie à chaque personne un résumé des contributions publiées depuis son dernier "
        "résumé dans les dossiers qu'elle suit. Relancer la commande n'envoie rien deux fois."
    )

    def handle(self, *args, **options) -> None:
        sent = send_digests()
        self.stdout.write(f"{sent} résumé(s) envoyé(s).")
        # The préconisations of followed dossiers that changed status, in a digest of their own.
        changes = send_status_digests()
        self.stdout.write(f"{changes} résumé(s) des changements d'état envoyé(s).")
