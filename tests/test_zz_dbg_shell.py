import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from tests.conftest import load
from tests.test_query_counts import extra_content

def run():
    c = Client(); c.force_login(get_user_model().objects.get(username="membre"))
    c.get("/recherche/?q=num%C3%A9rique")
    with CaptureQueriesContext(connection) as q:
        c.get("/recherche/?q=num%C3%A9rique")
    return [x["sql"][:250] for x in q]

@override_settings(PAGE_CACHE_ENABLED=False)
def test_dbg(demo):
    a = run()
    load(extra_content())
    b = run()
    for s in b: print(s)
    print("----", len(a), len(b))
    assert 0
