"""A circuit breaker for each LLM provider, kept in this process's memory (never shared).

- closed: calls go through; `threshold` failures in a row open it, and so does one 429 whose
  Retry-After says how long to stay away.
- open: calls are skipped at once (the chain moves on) until the cool-down, or the Retry-After
  (at most `max_open_seconds`), has passed.
- half-open: one call, the probe, goes through while every other call is still skipped; its success
  closes the breaker, its failure opens it again.

Ours rather than a library's: pybreaker is synchronous (its async path needs tornado), aiobreaker
has had no release since 2021, and purgatory lets every concurrent call through when half-open
(a hanging provider would hold them all again) and opens only for a fixed time (no Retry-After).
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections.abc import Callable

State = Literal["closed", "open", "half_open"]


class Breaker:
    def __init__(
        self,
        name: str,
        *,
        threshold: int = 3,
        cooldown_seconds: float = 30.0,
        max_open_seconds: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[Breaker, float], None] | None = None,
    ) -> None:
        """`on_change(breaker, seconds)` is called on every change of state; `seconds` is how long
        it stays open (0 for the others)."""
        self.name = name
        self.threshold = threshold
        self.cooldown_seconds = cooldown_seconds
        self.max_open_seconds = max_open_seconds
        self._clock = clock
        self._on_change = on_change
        self._state: State = "closed"
        self._failures = 0
        self._open_until = 0.0
        self._probing = False
        # Calls come from one event loop, but a process may run more than one (Lambda, `folio ask`).
        self._lock = threading.Lock()

    @property
    def state(self) -> State:
        with self._lock:
            if self._state == "open" and self._clock() >= self._open_until:
                return "half_open"
            return self._state

    def available(self) -> bool:
        """Whether `allow` would let a call through now (without taking the probe)."""
        with self._lock:
            if self._state == "open":
                return self._clock() >= self._open_until
            return not (self._state == "half_open" and self._probing)

    def allow(self) -> bool:
        """May a call go to the provider now? A True in half-open makes that call the probe."""
        with self._lock:
            if self._state == "closed":
                return True
            if self._state == "open":
                if self._clock() < self._open_until:
                    return False
                self._state = "half_open"
                changed = True
            else:
                changed = False
            if self._probing:
                return False
            self._probing = True
        if changed:
            self._changed(0.0)
        return True

    def succeeded(self) -> None:
        with self._lock:
            changed = self._state != "closed"
            self._state, self._failures, self._probing = "closed", 0, False
        if changed:
            self._changed(0.0)

    def failed(self, *, retry_after: float | None = None) -> None:
        with self._lock:
            self._failures += 1
            self._probing = False
            if retry_after is not None and retry_after > 0:
                seconds = min(retry_after, self.max_open_seconds)
            elif self._state == "half_open" or self._failures >= self.threshold:
                seconds = self.cooldown_seconds
            else:
                return
            until = self._clock() + seconds
            if self._state == "open" and until <= self._open_until:
                return  # a call that started before it opened: it stays open as long as it was
            self._state, self._open_until = "open", until
        self._changed(seconds)

    def abandoned(self) -> None:
        """The call ended with no verdict (the visitor left): another call may probe."""
        with self._lock:
            self._probing = False

    def status(self) -> dict[str, Any]:
        state = self.state
        with self._lock:
            result: dict[str, Any] = {"state": state, "consecutive_failures": self._failures}
            if state == "open":
                result["retry_in_seconds"] = round(max(self._open_until - self._clock(), 0.0), 1)
        return result

    def _changed(self, seconds: float) -> None:
        if self._on_change is not None:
            self._on_change(self, seconds)
