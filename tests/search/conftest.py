"""Search fixtures: the same contract suite runs against every store."""

import pytest

from tests.search.db_fixture import database_store  # noqa: F401
from tests.search.es_fixture import elasticsearch_server, elasticsearch_store  # noqa: F401


@pytest.fixture(params=["database", "elasticsearch"])
def store(request, db):
    """Each contract test runs once per store."""
    return request.getfixturevalue(f"{request.param}_store")
