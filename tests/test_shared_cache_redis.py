"""The shared cache on a real Redis server this test starts (never the machine's own)."""

import os
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache.backends.redis import RedisCache

from editorial import workflow
from editorial.models import State
from tests.factories import make_trial
from trials.datacache import VERSION_KEY, bump_data_version, versioned

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url():
    if not os.path.exists(REDIS_SERVER):
        message = "redis-server not installed (apt install redis-server)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    port = free_port()
    server = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        probe = RedisCache(url, {})
        for _ in range(100):  # up to 5 s for the server to accept connections
            try:
                probe.get("ping")
                break
            except Exception:
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def two_clients(settings, redis_url):
    """ "default" and "other": two clients of one Redis, as two web hosts would have."""
    backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    settings.CACHES = {"default": backend, "other": dict(backend)}
    RedisCache(redis_url, {}).clear()
    return redis_url


def test_a_bump_on_one_client_invalidates_entries_read_through_the_other(two_clients):
    assert versioned("n", (), lambda: "old") == "old"
    assert versioned("n", (), lambda: "new", using="other") == "old"
    bump_data_version(using="other")
    assert versioned("n", (), lambda: "new") == "new"
    first, second = RedisCache(two_clients, {}), RedisCache(two_clients, {})
    assert first.get(VERSION_KEY) == second.get(VERSION_KEY) is not None


def test_a_publish_changes_the_cached_list_counts_on_redis(client, lead_editor, two_clients):
    make_trial()
    draft = make_trial(state=State.IN_REVIEW)
    assert client.get("/trials/").context["count"] == 1
    assert client.get("/trials/").context["count"] == 1  # now from Redis
    workflow.publish(draft, lead_editor)
    assert client.get("/trials/").context["count"] == 2
