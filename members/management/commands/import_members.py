"""manage.py import_members FILE [--dry-run]: import members from a CSV or XLSX file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from members.imports import apply_plan, plan_file


class Command(BaseCommand):
    help = (
        "Importe des membres depuis un fichier CSV (UTF-8, séparateur ; ou ,) ou XLSX. "
        "Tout ou rien : à la moindre erreur, rien n'est écrit."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="fichier .csv ou .xlsx")
        parser.add_argument(
            "--dry-run", action="store_true", help="vérifier le fichier sans rien écrire"
        )

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Fichier illisible : {path} ({error.strerror})") from None

        self.stderr.write("Vérification :")
        _, plan = plan_file(content, path.name, progress=self.progress)
        for row_error in plan.errors:
            self.stderr.write(str(row_error))
        if not plan.ok:
            raise CommandError(f"Import refusé : {len(plan.errors)} erreur(s), rien n'a été écrit.")
        summary = f"{plan.created} création(s), {plan.updated} mise(s) à jour"
        if dry_run:
            self.stdout.write(f"Fichier valide ({summary}). Rien n'a été écrit (--dry-run).")
            return
        self.stderr.write("Import :")
        apply_plan(plan, progress=self.progress)
        self.stdout.write(self.style.SUCCESS(f"Import terminé : {summary}."))

    def progress(self, done: int, total: int, width: int = 30) -> None:
        """A text progress bar redrawn in place (\\r); the last step ends the line."""
        filled = width * done // total if total else width
        bar = "#" * filled + "-" * (width - filled)
        ending = "\n" if done >= total else ""
        self.stderr.write(f"\r[{bar}] {done}/{total}", ending=ending)
        self.stderr.flush()
