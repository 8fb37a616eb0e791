"""Redis over TCP with redis-py's asyncio client (also the engine of the memory store)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from folio.errors import Busy
from folio.store.base import ClientStore, StoreUnavailable, for_redis

if TYPE_CHECKING:
    import redis.asyncio


class RedisStore(ClientStore):
    """Any redis-py asyncio client: a real server, or fakeredis for the memory store."""

    def __init__(self, client: redis.asyncio.Redis, name: str = "redis") -> None:
        self.client = client
        self.name = name

    @classmethod
    def from_url(cls, url: str, *, timeout: float, connections: int = 50, wait_seconds: float = 5.0) -> RedisStore:
        """`connections` at most; a request finding them all in use waits up to `wait_seconds`
        for one (redis-py's default pool would fail at once, which read as an outage)."""
        import redis.asyncio

        pool = redis.asyncio.BlockingConnectionPool.from_url(
            url,
            decode_responses=True,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry_on_timeout=False,
            health_check_interval=30,
            max_connections=connections,
            timeout=wait_seconds,
        )
        return cls(redis.asyncio.Redis.from_pool(pool))  # the client owns the pool: aclose() closes it

    async def eval(self, script: str, keys: list[str] | None = None, args: list[Any] | None = None) -> Any:
        keys = keys or []
        return await self._call(self.client.eval(for_redis(script), len(keys), *keys, *(args or [])))

    async def hmget(self, key: str, *fields: str) -> list[str | None]:
        values: list[str | None] = await self._call(self.client.hmget(key, list(fields)))
        return values

    async def aclose(self) -> None:
        await self.client.aclose()

    async def _call(self, awaitable: Any) -> Any:
        import redis.exceptions

        try:
            return await awaitable
        except redis.exceptions.ConnectionError as exc:
            if isinstance(exc.__cause__, asyncio.TimeoutError):
                # The pool's wait for a free connection ran out: the server is there, just busy.
                raise Busy() from exc
            # The idle connections are to the same server: after it restarts each would fail once
            # more, and every one of those failures would read as a new outage. Drop them now.
            await self.client.connection_pool.disconnect(inuse_connections=False)
            raise StoreUnavailable(f"{self.name}: {type(exc).__name__}: {exc}") from exc
        except (redis.exceptions.RedisError, OSError) as exc:
            # Connection and timeout errors, a wrong password, but also an OOM refusal from a full
            # server: each means "cannot use it now", and the memory store takes over meanwhile.
            raise StoreUnavailable(f"{self.name}: {type(exc).__name__}: {exc}") from exc
