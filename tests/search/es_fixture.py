import pytest


@pytest.fixture(scope="session")
def elasticsearch_server():
    pytest.skip("Elasticsearch fixture not written yet")


@pytest.fixture
def elasticsearch_store(elasticsearch_server):
    pytest.skip("Elasticsearch store not written yet")
