from django.core.management.base import BaseCommand, CommandError

from cms.content_loader import ContentError, ContentLoader


class Command(BaseCommand):
    help = "Charge un fichier de contenu JSON (collèges, territoires, structures, comptes, pages)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Chemin du fichier JSON à charger.")

    def handle(self, *args, file: str, **options):
        try:
            loader = ContentLoader.from_file(file, progress=lambda message: self.stdout.write(f"  {message}"))
            report = loader.load()
        except ContentError as error:
            raise CommandError(f"Fichier refusé, rien n'a été enregistré. {error}") from None
        if not report:
            self.stdout.write(self.style.SUCCESS("Contenu déjà à jour : aucune modification."))
            return
        for label, count in sorted(report.items()):
            self.stdout.write(f"  {count} {label}")
        self.stdout.write(self.style.SUCCESS("Contenu chargé."))
