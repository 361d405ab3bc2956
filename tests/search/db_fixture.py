import pytest


@pytest.fixture
def database_store(db):
    pytest.skip("database store not written yet")
