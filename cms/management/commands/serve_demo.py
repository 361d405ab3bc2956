"""``make run``: Django's development server, saying only where the demo is.

Django's banner (date, version, settings, a warning in English) would end the output;
a newcomer needs the address, and finds it on the last lines.
"""

from __future__ import annotations

from django.contrib.staticfiles.management.commands.runserver import Command as RunServer

from shared.links import absolute_url


def address_lines() -> list[str]:
    """What `make run` prints once the server listens, the site's address last."""
    return [
        "",
        "  Démonstration servie (arrêt\u00a0: Ctrl+C\u00a0; comptes dans README.md).",
        f"  Administration\u00a0: {absolute_url('/admin/')}",
        f"  Intranet de la convention\u00a0: {absolute_url('/')}",
        "",
    ]


class Command(RunServer):
    help = "Sert la démonstration (serveur de développement) et n'affiche que son adresse."

    def on_bind(self, server_port: int) -> None:
        # BASE_URL, which `make run` sets from HOST and PORT, is the address the sitemap,
        # the calendars and the e-mails use: the one printed is the same.
        self.stdout.write("\n".join(address_lines()))
