from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from cms.content_loader import ContentError, ContentLoader


def site_has_content() -> bool:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site is not None and site.root_page.get_children().exists()


class Command(BaseCommand):
    help = "Charge un fichier de contenu JSON (collèges, territoires, structures, comptes, pages)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Chemin du fichier JSON à charger.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=(
                "Ne rien faire si le site contient déjà des pages "
                "(pour charger la démonstration une seule fois)."
            ),
        )

    def handle(self, *args, file: str, if_empty: bool = False, **options):
        if if_empty and site_has_content():
            self.stdout.write(
                "Le site contient déjà des pages : contenu de démonstration non rechargé."
            )
            return
        try:
            loader = ContentLoader.from_file(
                file, progress=lambda message: self.stdout.write(f"  {message}")
            )
            report = loader.load()
        except ContentError as error:
            raise CommandError(f"Fichier refusé, rien n'a été enregistré. {error}") from None
        if not report:
            self.stdout.write(self.style.SUCCESS("Contenu déjà à jour : aucune modification."))
            return
        for label, count in sorted(report.items()):
            self.stdout.write(f"  {count} {label}")
        self.stdout.write(self.style.SUCCESS("Contenu chargé."))
