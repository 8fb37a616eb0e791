"""The configured backend, or the memory store while that backend is unreachable."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, TypeVar

from folio.store.base import StoreUnavailable
from folio.store.memory import memory_store

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from folio.metrics import Metrics
    from folio.secrets import Secrets
    from folio.settings import Settings
    from folio.store.base import Store

log = logging.getLogger(__name__)
T = TypeVar("T")


class FailoverStore:
    """Uses `primary` while it answers; on StoreUnavailable serves from `fallback`.

    While degraded, one call at a time probes the primary, at most every `retry_seconds` (one real
    call, which may cost one timeout); the first success switches back by itself. Each outage is
    logged once when it starts and once when it ends: under concurrency, calls that began before
    the latest switch (a success that was in flight when the backend died, a failure that was in
    flight when it came back) say nothing about the backend now and do not switch it again. A
    failure within `retry_seconds` of a recovery (a restarting server still refusing some
    connections) is a relapse of the same outage: served from memory again, not logged again.
    """

    def __init__(
        self,
        primary: Store | None,
        fallback: Callable[[], Store] = memory_store,
        *,
        retry_seconds: float = 5.0,
        metrics: Metrics | None = None,
    ) -> None:
        self.primary = primary
        self.metrics = metrics
        self._make_fallback = fallback
        self._fallback: Store | None = None
        self.retry_seconds = retry_seconds
        self.name = primary.name if primary is not None else "memory"
        self.outages = 0
        self.fallback_calls = 0
        self.last_error: str | None = None
        self._down_since: float | None = None
        self._next_try = 0.0
        self._probing = False
        self._switches = 0  # how many times the state changed: a call notes it when it begins
        self._up_since = float("-inf")
        self._relapse = False  # degraded again just after a recovery: the outage already logged

    @property
    def fallback(self) -> Store:
        """Built when first needed: with a remote backend that is only after it fails."""
        if self._fallback is None:
            self._fallback = self._make_fallback()
        return self._fallback

    @property
    def degraded(self) -> bool:
        return self._down_since is not None

    def status(self) -> dict[str, Any]:
        state = "degraded" if self.degraded else "ok"
        result: dict[str, Any] = {
            "ok": not self.degraded,
            "backend": self.name,
            "status": state if self.primary is not None else "memory only (one process)",
            "outages": self.outages,
            "fallback_calls": self.fallback_calls,
        }
        if self.degraded:
            result["serving_from"] = "memory"
            result["error"] = self.last_error
        return result

    async def _run(self, call: Callable[[Store], Awaitable[T]]) -> T:
        result, _ = await self._run_durable(call)
        return result

    async def _run_durable(self, call: Callable[[Store], Awaitable[T]]) -> tuple[T, bool]:
        """The call's result, and whether the configured backend answered it (not the memory)."""
        if self.primary is not None and (not self.degraded or self._may_probe()):
            probe, began = self.degraded, self._switches
            if probe:
                self._probing = True
            try:
                result = await call(self.primary)
            except StoreUnavailable as exc:
                self._failed(str(exc), began=began, probe=probe)
            else:
                self._answered(began)
                return result, True
            finally:
                if probe:
                    self._probing = False
        if self.primary is not None:
            self.fallback_calls += 1
            if self.metrics is not None:
                self.metrics.count("store_fallbacks")
        return await call(self.fallback), False

    def _may_probe(self) -> bool:
        return not self._probing and time.monotonic() >= self._next_try

    def _failed(self, error: str, *, began: int, probe: bool) -> None:
        self.last_error = error
        if self.degraded:
            if probe:
                self._next_try = time.monotonic() + self.retry_seconds
            return
        if began != self._switches:
            return  # began while the backend was down: its failure is old news
        self._switches += 1
        self._down_since = time.monotonic()
        self._next_try = self._down_since + self.retry_seconds
        self._relapse = self._down_since - self._up_since < self.retry_seconds
        if self._relapse:
            log.debug("store failing again just after it came back", extra={"error": error})
            return
        self.outages += 1
        log.warning("store unreachable, serving from memory until it answers", extra={"error": error})

    def _answered(self, began: int) -> None:
        if self._down_since is None or began != self._switches:
            return  # up already, or a call that was in flight before the outage began
        self._switches += 1
        down_seconds = round(time.monotonic() - self._down_since, 1)
        if not self._relapse:
            log.warning("store back: using %s again", self.name, extra={"down_seconds": down_seconds})
        self._down_since = None
        self._up_since = time.monotonic()

    async def eval(self, script: str, keys: list[str] | None = None, args: list[Any] | None = None) -> Any:
        return await self._run(lambda s: s.eval(script, keys, args))

    async def eval_durable(
        self, script: str, keys: list[str] | None = None, args: list[Any] | None = None
    ) -> tuple[Any, bool]:
        """eval, and whether the configured backend ran it (False: this process's memory did)."""
        return await self._run_durable(lambda s: s.eval(script, keys, args))

    async def get(self, key: str) -> str | None:
        return await self._run(lambda s: s.get(key))

    async def hmget(self, key: str, *fields: str) -> list[str | None]:
        return await self._run(lambda s: s.hmget(key, *fields))

    async def set(self, key: str, value: str, *, ex: int) -> None:
        await self._run(lambda s: s.set(key, value, ex=ex))

    async def lrange(self, key: str, start: int, end: int) -> list[str]:
        return await self._run(lambda s: s.lrange(key, start, end))

    async def ping(self) -> None:
        await self._run(lambda s: s.ping())

    async def aclose(self) -> None:
        for store in (self.primary, self._fallback):
            if store is not None:
                await store.aclose()


def primary_store(settings: Settings, secrets: Secrets) -> Store | None:
    """The configured remote backend, if any: Upstash first, then Redis over TCP."""
    timeout = settings.store_timeout_seconds
    url, token = secrets.value("upstash_redis_rest_url"), secrets.value("upstash_redis_rest_token")
    if url and token:
        from folio.store.upstash import UpstashStore

        return UpstashStore.from_credentials(url, token, timeout=timeout)
    if settings.redis_url:
        from folio.store.redis import RedisStore

        return RedisStore.from_url(settings.redis_url.get_secret_value(), timeout=timeout)
    return None


def build_store(settings: Settings, secrets: Secrets, metrics: Metrics | None = None) -> FailoverStore:
    return FailoverStore(primary_store(settings, secrets), retry_seconds=settings.store_retry_seconds, metrics=metrics)
