"""manage.py anonymise_former_members [--dry-run]: anonymise every former member."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from members.personal_data.anonymise import anonymise_former_members, members_to_anonymise


class Command(BaseCommand):
    help = (
        "Anonymise les anciens membres pas encore anonymisés : nom, coordonnées, présentation "
        "et photo sont effacés ; collèges et date de consentement sont conservés."
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
            return
        count = anonymise_former_members()
        self.stdout.write(self.style.SUCCESS(f"{count} ancien(s) membre(s) anonymisé(s)."))
