"""Stores for the unit tests that need them: a redis-server of the module's own on a free port,
the Upstash REST fake in front of it, and a key prefix per test (its keys deleted after)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest
import redis

from tests.fakes.upstash_server import FakeUpstash
from tests.support.redis import RedisServer

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture(scope="module")
def upstash(redis_server: RedisServer) -> Iterator[FakeUpstash]:
    with FakeUpstash(redis_url=redis_server.url) as server:
        yield server


@pytest.fixture
def prefix(redis_server: RedisServer) -> Iterator[str]:
    value = f"test-{uuid.uuid4().hex[:12]}"
    yield value
    client = redis.Redis.from_url(redis_server.url)
    keys = list(client.scan_iter(f"{value}*"))
    if keys:
        client.delete(*keys)
    client.close()
