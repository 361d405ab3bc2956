"""Serving a page reads its view restrictions and its reader's groups once.

Two checks decide whether a page is served (``cms.wagtail_hooks`` for logged-in readers,
then Wagtail's own), and the page's listings ask ``cms.access`` again: they share one
reading of each (``cms.access.remember_view_restrictions``).
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.sql_reads import get_with_sql, reads

pytestmark = pytest.mark.django_db

# Demo pages restricted to some colleges (cms/content/demo.json).
OWN_COLLEGE = ("referente", "/paca/dossiers/non-recours-numerique/entre-nous-numerique/")
OTHER_COLLEGES = (
    "membre",
    "/paca/dossiers/desinstitutionnalisation/position-transformer-sans-fragiliser/",
)
RESTRICTIONS_READ = ('"wagtailcore_pageviewrestriction"."password"',)  # the model's own rows
# The reader's groups themselves (the permission query joins the same table).
READERS_GROUPS_READ = ('FROM "auth_group"', '"auth_user_groups"."user_id"')


def served(client, reader_and_path: tuple[str, str]):
    reader, path = reader_and_path
    client.force_login(get_user_model().objects.get(username=reader))
    return get_with_sql(client, path)


@pytest.mark.parametrize("case", [OWN_COLLEGE, OTHER_COLLEGES], ids=["admitted", "refused"])
def test_the_page_restrictions_are_read_once(client, demo, case):
    response, queries = served(client, case)
    assert response.status_code == (200 if case is OWN_COLLEGE else 403)
    assert reads(queries, *RESTRICTIONS_READ) == 1


@pytest.mark.parametrize("case", [OWN_COLLEGE, OTHER_COLLEGES], ids=["admitted", "refused"])
def test_the_readers_groups_are_read_once(client, demo, case):
    response, queries = served(client, case)
    assert response.status_code == (200 if case is OWN_COLLEGE else 403)
    assert reads(queries, *READERS_GROUPS_READ) == 1
