"""One process's own store: fakeredis with Lua, so the same scripts give the same numbers.

fakeredis's synchronous client is used: its asyncio client emulates a socket and costs about
twice as much a command, for no benefit inside one process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from folio.store.base import ClientStore, for_redis

if TYPE_CHECKING:
    import fakeredis


class MemoryStore(ClientStore):
    name = "memory"

    def __init__(self, client: fakeredis.FakeRedis) -> None:
        self.client = client

    async def eval(self, script: str, keys: list[str] | None = None, args: list[Any] | None = None) -> Any:
        keys = keys or []
        return self.client.eval(for_redis(script), len(keys), *keys, *(args or []))

    async def hmget(self, key: str, *fields: str) -> list[str | None]:
        values: list[str | None] = self.client.hmget(key, list(fields))
        return values

    async def aclose(self) -> None:
        self.client.close()

    async def _call(self, value: Any) -> Any:
        return value


def memory_store() -> MemoryStore:
    import fakeredis

    return MemoryStore(fakeredis.FakeRedis(decode_responses=True))
