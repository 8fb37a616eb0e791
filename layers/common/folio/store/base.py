"""The store interface: the few commands folio and upstash-ratelimit need."""

from __future__ import annotations

from typing import Any, Protocol

# Scripts shared by every backend, so multi-step updates are atomic everywhere.
INCR_WITH_TTL = """
local value = redis.call("INCRBY", KEYS[1], ARGV[1])
if redis.call("TTL", KEYS[1]) < 0 then redis.call("EXPIRE", KEYS[1], ARGV[2]) end
return value
"""
PUSH_TRIM_EXPIRE = """
redis.call("RPUSH", KEYS[1], ARGV[1])
redis.call("LTRIM", KEYS[1], -tonumber(ARGV[2]), -1)
redis.call("EXPIRE", KEYS[1], ARGV[3])
return 1
"""

CLAIM = """
if redis.call("SET", KEYS[1], ARGV[1], "NX", "EX", ARGV[2]) then return 1 end
return 0
"""
RELEASE = 'return redis.call("DEL", KEYS[1])'


def for_redis(script: str) -> str:
    """upstash-ratelimit's scripts start with `#!lua flags=allow-key-locking`, a flag only Upstash
    accepts: Redis refuses the whole script ("Unexpected flag in script shebang"), so drop the line."""
    return script.split("\n", 1)[1] if script.startswith("#!lua") else script


class StoreUnavailable(Exception):
    """The backend cannot be reached (network, timeout, authentication): fall back, do not fail."""


class Store(Protocol):
    name: str

    async def eval(self, script: str, keys: list[str] | None = None, args: list[Any] | None = None) -> Any: ...

    async def get(self, key: str) -> str | None: ...

    async def hmget(self, key: str, *fields: str) -> list[str | None]: ...

    async def set(self, key: str, value: str, *, ex: int) -> None: ...

    async def lrange(self, key: str, start: int, end: int) -> list[str]: ...

    async def ping(self) -> None: ...

    async def aclose(self) -> None: ...


async def incr_with_ttl(store: Store, key: str, amount: int, ttl: int) -> int:
    return int(await store.eval(INCR_WITH_TTL, [key], [amount, ttl]))


async def claim(store: Store, key: str, ttl: int) -> bool:
    """True for the first caller only, until the key expires or is released (idempotency)."""
    return int(await store.eval(CLAIM, [key], ["1", ttl])) == 1


async def release(store: Store, key: str) -> None:
    await store.eval(RELEASE, [key], [])


async def push_trimmed(store: Store, key: str, value: str, *, keep: int, ttl: int) -> None:
    await store.eval(PUSH_TRIM_EXPIRE, [key], [value, keep, ttl])


class ClientStore:
    """A store over a Redis-like client whose get/set/lrange/ping have the same shape everywhere.

    Subclasses say how a call is guarded (`_call`) and supply `eval` and `hmget`, whose signatures
    differ between redis-py and upstash-redis.
    """

    name: str
    client: Any

    async def get(self, key: str) -> str | None:
        value: str | None = await self._call(self.client.get(key))
        return value

    async def set(self, key: str, value: str, *, ex: int) -> None:
        await self._call(self.client.set(key, value, ex=ex))

    async def lrange(self, key: str, start: int, end: int) -> list[str]:
        values: list[str] = await self._call(self.client.lrange(key, start, end))
        return values

    async def ping(self) -> None:
        await self._call(self.client.ping())

    async def _call(self, awaitable: Any) -> Any:
        raise NotImplementedError
