"""Resync the tracked items with the published préconisation blocks of every contribution."""

from django.core.management.base import BaseCommand

from cms.followup.sync import sync_all


class Command(BaseCommand):
    help = "Met les préconisations suivies en accord avec les contributions publiées."

    def handle(self, *args, **options) -> None:
        report = sync_all()
        self.stdout.write(
            f"{report.created} créée(s), {report.updated} mise(s) à jour, "
            f"{report.archived} archivée(s), {report.restored} rétablie(s)."
        )
        for title in report.skipped_blocks:
            self.stderr.write(f"Bloc sans identifiant, ignoré : « {title} »")
