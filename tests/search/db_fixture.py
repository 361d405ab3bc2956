import pytest


@pytest.fixture
def database_store(db):
    """An empty database store (the test's transaction rolls its tables back)."""
    from search.stores.database import DatabaseStore

    store = DatabaseStore()
    assert store.count() == 0
    return store
