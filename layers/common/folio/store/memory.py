"""One process's own store: fakeredis with Lua, so the same scripts give the same numbers."""

from __future__ import annotations

from folio.store.redis import RedisStore


def memory_store() -> RedisStore:
    import fakeredis

    return RedisStore(fakeredis.FakeAsyncRedis(decode_responses=True), name="memory")
