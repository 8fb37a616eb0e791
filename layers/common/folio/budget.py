"""The owner's daily LLM budget (calls and tokens), counted in the shared store."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from folio.store.base import incr_with_ttl

if TYPE_CHECKING:
    from folio.metrics import Metrics
    from folio.store import Store

_TWO_DAYS = 2 * 86_400
# One round trip: refuse when today's tokens are spent, else count the call.
_RESERVE = """
if tonumber(redis.call("GET", KEYS[2]) or "0") >= tonumber(ARGV[1]) then return -1 end
local calls = redis.call("INCR", KEYS[1])
if calls == 1 then redis.call("EXPIRE", KEYS[1], ARGV[2]) end
return calls
"""


class Budget:
    def __init__(
        self, store: Store, prefix: str, *, calls_per_day: int, tokens_per_day: int, metrics: Metrics | None = None
    ) -> None:
        self.store = store
        self.metrics = metrics
        self.prefix = prefix
        self.calls_per_day = calls_per_day
        self.tokens_per_day = tokens_per_day

    async def reserve_call(self) -> bool:
        """Count one LLM call; False (and nothing counted against the owner) when today's budget is spent."""
        if self.calls_per_day == 0 or self.tokens_per_day == 0:
            return False
        keys = [self._key("calls"), self._key("tokens")]
        calls = int(await self.store.eval(_RESERVE, keys, [self.tokens_per_day, _TWO_DAYS]))
        if self.metrics is not None:
            self.metrics.gauge("budget_used_ratio", 1.0 if calls < 0 else min(calls / self.calls_per_day, 1.0))
        return 0 < calls <= self.calls_per_day

    async def record_tokens(self, tokens: int) -> None:
        if tokens > 0:
            await incr_with_ttl(self.store, self._key("tokens"), tokens, _TWO_DAYS)

    async def usage(self) -> dict[str, Any]:
        calls = int(await self.store.get(self._key("calls")) or 0)
        tokens = int(await self.store.get(self._key("tokens")) or 0)
        return {
            "day": _today(),
            "llm_calls": min(calls, self.calls_per_day) if self.calls_per_day else calls,
            "llm_calls_limit": self.calls_per_day,
            "llm_tokens": tokens,
            "llm_tokens_limit": self.tokens_per_day,
        }

    def _key(self, what: str) -> str:
        return f"{self.prefix}:budget:{_today()}:{what}"


def _today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()
