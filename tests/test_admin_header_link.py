"""The site header links to the admin for the people who may use it (issue 12, item 10).

Wagtail lets in whoever holds ``wagtailadmin.access_admin``; the header offers the link to
them alone, so a plain member or an anonymous reader never meets a door that refuses them.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HEADER_ADMIN_LINK = f'class="site-account__link" href="{reverse("wagtailadmin_home")}"'


def header_of(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    return html[html.index("<header") : html.index("</header>")]


def test_the_coordination_finds_the_admin_in_the_header(client, people):
    client.force_login(people["coord"])
    assert HEADER_ADMIN_LINK in header_of(client, reverse("members:space"))


def test_a_plain_member_has_no_admin_link_in_the_header(client, people):
    client.force_login(people["pa"])
    assert not people["pa"].has_perm("wagtailadmin.access_admin")
    assert HEADER_ADMIN_LINK not in header_of(client, reverse("members:space"))


def test_an_anonymous_reader_has_no_admin_link_in_the_header(client, people):
    assert HEADER_ADMIN_LINK not in header_of(client, reverse("login"))
