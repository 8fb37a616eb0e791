"""Upstash Redis over its REST API, every call under a deadline.

The upstash-redis client has no request timeout of its own (a silent endpoint hangs forever) and by
default sleeps 3 s before retrying: here each call is bounded by `asyncio.wait_for` and retries are off.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from folio.store.base import ClientStore, StoreUnavailable

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from upstash_redis.asyncio import Redis


class UpstashStore(ClientStore):
    name = "upstash"

    def __init__(self, client: Redis, *, timeout: float) -> None:
        self.client = client
        self.timeout = timeout

    @classmethod
    def from_credentials(cls, url: str, token: str, *, timeout: float) -> UpstashStore:
        from upstash_redis.asyncio import Redis

        return cls(Redis(url=url, token=token, rest_retries=0, allow_telemetry=False), timeout=timeout)

    async def eval(self, script: str, keys: list[str] | None = None, args: list[Any] | None = None) -> Any:
        return await self._call(self.client.eval(script, keys or [], [str(a) for a in args or []]))

    async def hmget(self, key: str, *fields: str) -> list[str | None]:
        values: list[str | None] = await self._call(self.client.hmget(key, *fields))
        return values

    async def aclose(self) -> None:
        await self.client.close()

    async def _call(self, awaitable: Awaitable[Any]) -> Any:
        import httpx
        from upstash_redis.errors import UpstashError

        try:
            return await asyncio.wait_for(awaitable, self.timeout)
        except TimeoutError as exc:
            raise StoreUnavailable(f"upstash: no answer within {self.timeout} s") from exc
        except httpx.HTTPError as exc:
            raise StoreUnavailable(f"upstash: {type(exc).__name__}: {exc}") from exc
        except UpstashError as exc:
            # The client reports a wrong token, a server error and a refused command alike.
            raise StoreUnavailable(f"upstash: {exc}") from exc
