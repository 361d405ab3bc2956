"""The demo's admin readers, for the tests of what the admin shows them.

On the demo content, ``sylvie`` (referent, Collectivités territoriales) has rights on the
dossier « Jeunesse et éducation », one contribution of which only the Administrations de
l'État college may see; ``referente`` (referent, Personnes accompagnées) has rights on her
college's spaces only; ``coordination`` sees every page.
"""

from __future__ import annotations

from django.test import Client
from django.utils.html import escape
from wagtail.models import Page

from cms.access import can_view_page

# Restricted to Institutions sociales and Administrations de l'État.
HIDDEN_FROM_REFERENTE = "compte-rendu-aller-vers-2023"
# Restricted to the Administrations de l'État college, under a dossier sylvie may edit.
HIDDEN_FROM_SYLVIE = "echange-prevention-ruptures-2023"


def client_for(user) -> Client:
    """A test client logged in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


def hidden_titles_in(user, body: str) -> list[str]:
    """Titles (published or draft) of pages this user may not view that ``body`` shows,
    escaped as in HTML or as they are."""
    found = []
    for page in Page.objects.filter(depth__gt=1):
        if can_view_page(user, page):
            continue
        for title in {page.title, page.draft_title}:
            if title and (escape(title) in body or title in body):
                found.append(title)
    return found
