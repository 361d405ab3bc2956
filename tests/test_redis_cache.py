"""The Redis cache backend (shared/redis_cache.py): Django's, with its clients reused."""

from __future__ import annotations

import pytest

from shared.redis_cache import RedisCache


def test_every_operation_of_a_cache_gets_the_same_client():
    cache = RedisCache("redis://127.0.0.1:6379/0", {})  # no connection until a command

    clients = {id(cache._cache.get_client(key)) for key in ("a", "b", "c")}
    clients.add(id(cache._cache.get_client("a", write=True)))

    assert len(clients) == 1


def test_a_cache_of_several_servers_keeps_one_client_per_server():
    cache = RedisCache("redis://127.0.0.1:6379/0,redis://127.0.0.1:6380/0", {})

    writer = cache._cache.get_client(write=True)

    assert cache._cache.get_client(write=True) is writer
    assert writer.connection_pool.connection_kwargs["port"] == 6379


@pytest.fixture
def redis_url(tmp_path):
    from tests.deploy_stack import start_redis

    service, url = start_redis(tmp_path)
    yield url
    service.stop()


def test_values_go_to_redis_and_come_back(redis_url):
    cache = RedisCache(redis_url, {"KEY_PREFIX": "test"})

    cache.set("page", {"content": b"<p>Bonjour</p>"})
    cache.add("generation", 7)
    cache.incr("generation")

    assert cache.get_many(["generation", "page", "absent"]) == {
        "generation": 8,
        "page": {"content": b"<p>Bonjour</p>"},
    }
    # Another process's cache (a gunicorn worker) reads what this one wrote.
    assert RedisCache(redis_url, {"KEY_PREFIX": "test"}).get("generation") == 8
