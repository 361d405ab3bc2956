"""Gives Wagtail's default Site the address of ``BASE_URL``, the site's one base."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Site

DEFAULT_PORTS = {"http": 80, "https": 443}


def host_and_port(base_url: str) -> tuple[str, int]:
    """The host and port of a base URL, as a Wagtail Site stores them.

    Wagtail writes ``https://`` only for port 443: any other port with https would make
    the Site say ``http://``, so it is refused rather than half agreed with.
    """
    parts = urlsplit(base_url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise CommandError(f"BASE_URL n'est pas une adresse http(s) : « {base_url} »")
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    if parts.scheme == "https" and port != 443:
        raise CommandError(
            f"BASE_URL en https doit utiliser le port 443 (Wagtail n'écrirait pas « https ») : "
            f"« {base_url} »"
        )
    return parts.hostname, port


class Command(BaseCommand):
    help = (
        "Donne au site Wagtail par défaut l'adresse de BASE_URL, pour que le plan du site, "
        "les calendriers, les exports et les courriels disent tous la même adresse."
    )

    def handle(self, *args, **options) -> None:
        hostname, port = host_and_port(settings.WAGTAILADMIN_BASE_URL)
        with transaction.atomic():
            site = Site.objects.select_for_update().filter(is_default_site=True).first()
            if site is None:
                raise CommandError("Aucun site par défaut : lancez d'abord « manage.py migrate ».")
            if (site.hostname, site.port) != (hostname, port):
                site.hostname, site.port = hostname, port
                site.save()  # Site.save also clears Wagtail's cache of site root paths
        self.stdout.write(f"Adresse du site : {site.root_url}/", ending="\n")
