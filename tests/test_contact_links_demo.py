"""The contact page (tests/test_contact.py), as the demo's footer and help pages link to it.

Apart from test_contact.py, whose people are loaded once in a transaction of the module:
the demo is a copy of a database of its own, and a copy cannot be taken inside a transaction.
"""

from __future__ import annotations


def test_every_pages_footer_links_to_the_contact_page(client, demo):
    for url in ("/", "/rejoindre/", "/connexion/", "/page-qui-n-existe-pas/"):
        page = client.get(url).content.decode()
        assert 'href="/contact/"' in page, url


def test_the_help_and_legal_pages_link_to_the_contact_page(client, demo):
    for url in ("/aide/", "/mentions-legales/", "/donnees-personnelles/", "/accessibilite/"):
        page = client.get(url).content.decode()
        assert 'href="/contact/"' in page, url
