"""The store contract on every backend: memory, Redis over TCP, Upstash's REST API (local fake)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from folio.store.base import StoreUnavailable, incr_with_ttl, push_trimmed
from folio.store.failover import FailoverStore
from folio.store.memory import memory_store
from folio.store.redis import RedisStore
from folio.store.upstash import UpstashStore
from tests.support.redis import RedisServer
from tests.support.tls import make_server_certificate

if TYPE_CHECKING:
    from pathlib import Path

    from folio.store.base import Store
    from tests.fakes.upstash_server import FakeUpstash


def _store(kind: str, redis_server: RedisServer, upstash: FakeUpstash) -> Store:
    if kind == "memory":
        return memory_store()
    if kind == "redis":
        return RedisStore.from_url(redis_server.url, timeout=1)
    return UpstashStore.from_credentials(upstash.url, "test-token", timeout=1)


@pytest.mark.parametrize("kind", ["memory", "redis", "upstash"])
def test_store_contract(kind: str, redis_server: RedisServer, upstash: FakeUpstash, prefix: str) -> None:
    async def scenario() -> None:
        store = _store(kind, redis_server, upstash)
        try:
            await store.ping()
            assert await store.get(f"{prefix}:none") is None
            await store.set(f"{prefix}:k", "v", ex=60)
            assert await store.get(f"{prefix}:k") == "v"
            assert await incr_with_ttl(store, f"{prefix}:n", 5, 60) == 5
            assert await incr_with_ttl(store, f"{prefix}:n", 2, 60) == 7
            for n in range(6):
                await push_trimmed(store, f"{prefix}:list", f"item{n}", keep=4, ttl=60)
            assert await store.lrange(f"{prefix}:list", 0, -1) == ["item2", "item3", "item4", "item5"]
            assert await store.hmget(f"{prefix}:hash", "a", "b") == [None, None]
            # upstash-ratelimit's scripts carry a shebang flag that plain Redis refuses.
            script = "#!lua flags=allow-key-locking\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])"
            assert int(await store.eval(script, [f"{prefix}:e"], [3])) == 3
        finally:
            await store.aclose()

    asyncio.run(scenario())


def test_unreachable_redis_is_store_unavailable_within_the_deadline() -> None:
    async def scenario() -> None:
        store = RedisStore.from_url("redis://127.0.0.1:9/0", timeout=0.3)
        with pytest.raises(StoreUnavailable):
            await store.get("x")
        await store.aclose()

    asyncio.run(scenario())


def test_hanging_upstash_is_cut_at_the_deadline(upstash: FakeUpstash) -> None:
    async def scenario() -> float:
        store = UpstashStore.from_credentials(upstash.url, "test-token", timeout=0.3)
        started = asyncio.get_running_loop().time()
        with pytest.raises(StoreUnavailable, match="no answer"):
            await store.get("x")
        await store.aclose()
        return asyncio.get_running_loop().time() - started

    upstash.mode = "hang"
    try:
        assert asyncio.run(scenario()) < 1.5
    finally:
        upstash.mode = "ok"


@pytest.mark.parametrize("problem", ["token", "server_error"])
def test_upstash_refusals_are_store_unavailable(upstash: FakeUpstash, problem: str) -> None:
    async def scenario() -> None:
        token = "wrong" if problem == "token" else "test-token"
        store = UpstashStore.from_credentials(upstash.url, token, timeout=1)
        with pytest.raises(StoreUnavailable):
            await store.get("x")
        await store.aclose()

    upstash.mode = "error" if problem == "server_error" else "ok"
    try:
        asyncio.run(scenario())
    finally:
        upstash.mode = "ok"


def test_failover_serves_from_memory_and_comes_back_by_itself() -> None:
    with RedisServer() as server:

        async def scenario() -> None:
            store = FailoverStore(RedisStore.from_url(server.url, timeout=0.3), retry_seconds=0)
            await store.set("k", "from-redis", ex=60)
            assert store.status()["status"] == "ok"
            server.kill()
            await store.set("k", "from-memory", ex=60)
            assert await store.get("k") == "from-memory"
            status = store.status()
            assert status["status"] == "degraded" and status["outages"] == 1 and status["serving_from"] == "memory"
            server.start()
            assert await store.get("k") is None, "back on the (fresh) Redis server"
            assert store.status()["status"] == "ok"
            await store.aclose()

        asyncio.run(scenario())


def test_a_relapse_just_after_recovery_is_the_same_outage(caplog: pytest.LogCaptureFixture) -> None:
    """A restarting server that refuses one connection right after answering is not a new outage."""
    with RedisServer() as server:

        async def scenario() -> None:
            store = FailoverStore(RedisStore.from_url(server.url, timeout=0.3), retry_seconds=0.5)
            await store.set("k", "v", ex=60)
            server.kill()
            await store.get("k")  # the outage begins
            server.start()
            await asyncio.sleep(0.5)  # the next probe
            await store.get("k")  # back
            server.kill()
            await store.get("k")  # failing again within retry_seconds of coming back: a relapse
            server.start()
            await asyncio.sleep(0.5)
            await store.get("k")
            assert store.status()["status"] == "ok" and store.status()["outages"] == 1
            await store.aclose()

        with caplog.at_level("WARNING", logger="folio.store.failover"):
            asyncio.run(scenario())
    messages = [r.getMessage().split(",")[0].split(":")[0] for r in caplog.records if r.name == "folio.store.failover"]
    assert messages == ["store unreachable", "store back"]


def test_wrong_password_degrades_instead_of_crashing() -> None:
    with RedisServer(password="right-password") as server:

        async def scenario() -> None:
            url = server.url.replace("right-password", "wrong-password")
            store = FailoverStore(RedisStore.from_url(url, timeout=0.5), retry_seconds=60)
            await store.set("k", "v", ex=60)
            assert await store.get("k") == "v"
            status = store.status()
            assert status["status"] == "degraded" and "Auth" in status["error"]
            await store.aclose()

        asyncio.run(scenario())


def test_redis_over_tls_with_the_servers_ca(tmp_path: Path) -> None:
    """rediss:// URLs (a managed Redis with in-transit encryption); redis-py reads the CA file and
    other TLS options from the URL's query string."""
    trusted = make_server_certificate(tmp_path / "server")
    stranger = make_server_certificate(tmp_path / "other", ca_name="someone else's CA")

    async def scenario(server: RedisServer) -> None:
        store = RedisStore.from_url(f"{server.url}?ssl_ca_certs={trusted.ca}", timeout=2)
        try:
            await store.ping()
            assert await incr_with_ttl(store, "tls:counter", 5, 60) == 5
        finally:
            await store.aclose()
        for url in (f"{server.url}?ssl_ca_certs={stranger.ca}", server.url.replace("rediss://", "redis://")):
            refused = RedisStore.from_url(url, timeout=2)
            with pytest.raises(StoreUnavailable):
                await refused.ping()
            await refused.aclose()

    with RedisServer(password="tls-pass-0123456789", tls=trusted) as server:
        asyncio.run(scenario(server))


def test_a_full_connection_pool_is_busy_not_an_outage() -> None:
    """Every connection in use past the wait is back-pressure: a 503 'busy' for that request, and
    the failover store neither degrades nor counts anything in memory (#10 item 1)."""
    from folio.errors import Busy

    with RedisServer() as server:

        async def scenario() -> None:
            primary = RedisStore.from_url(server.url, timeout=2.0, connections=1, wait_seconds=0.05)
            store = FailoverStore(primary)
            blocker = asyncio.create_task(primary.client.blpop(["nothing-will-come"], timeout=1))
            await asyncio.sleep(0.1)
            with pytest.raises(Busy):
                await store.get("k")
            assert not store.degraded and store.outages == 0 and store.fallback_calls == 0
            await blocker
            assert await store.get("k") is None
            await store.aclose()

        asyncio.run(scenario())
