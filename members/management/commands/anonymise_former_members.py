"""manage.py anonymise_former_members [--dry-run]: anonymise every former member.

It also deletes the adhesion requests declined more than a year ago, and the personal data
the features keep for a limited time (members/personal_data/cleanup.py: the messages to the
coordination). Run it daily (cron).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from members.personal_data.anonymise import (
    anonymise_former_members,
    declined_requests_to_delete,
    delete_old_declined_requests,
    members_to_anonymise,
)
from members.personal_data.cleanup import registered_cleanups


class Command(BaseCommand):
    help = (
        "Anonymise les anciens membres pas encore anonymisés : nom, coordonnées, présentation "
        "et photo sont effacés ; collèges et date de consentement sont conservés. Supprime aussi "
        "les demandes d'adhésion refusées depuis plus d'un an et les messages à la coordination "
        "plus anciens que leur durée de conservation."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="compter et lister sans rien modifier"
        )

    def handle(self, *args, dry_run: bool, **options) -> None:
        if dry_run:
            members = list(members_to_anonymise())
            for member in members:
                self.stdout.write(f"- {member} ({member.user.username})")
            self.stdout.write(f"{len(members)} ancien(s) membre(s) à anonymiser (--dry-run).")
            declined = declined_requests_to_delete().count()
            self.stdout.write(
                f"{declined} demande(s) d'adhésion refusée(s) à supprimer (--dry-run)."
            )
            for cleanup in registered_cleanups():
                self.stdout.write(f"{cleanup.count()} {cleanup.label} à supprimer (--dry-run).")
            return
        count = anonymise_former_members()
        self.stdout.write(self.style.SUCCESS(f"{count} ancien(s) membre(s) anonymisé(s)."))
        deleted = delete_old_declined_requests()
        self.stdout.write(
            self.style.SUCCESS(f"{deleted} demande(s) d'adhésion refusée(s) supprimée(s).")
        )
        for cleanup in registered_cleanups():
            self.stdout.write(
                self.style.SUCCESS(f"{cleanup.delete()} {cleanup.label} supprimé(s).")
            )
