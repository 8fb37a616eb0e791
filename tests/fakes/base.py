"""What both protocol fakes share: scripted failure modes, recorded requests, interruptible hangs."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from tests.support.servers import UvicornServer

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.types import ASGIApp

ModeT = TypeVar("ModeT", bound=str)
_STOP_POLL_SECONDS = 0.05


class ScriptedServer(UvicornServer, Generic[ModeT]):
    """`mode` applies to every request unless `script` lists the next ones; `requests` records all."""

    def __init__(self, app: ASGIApp, *, mode: ModeT, hang_seconds: float, **server: Any) -> None:
        super().__init__(app, **server)
        self.mode: ModeT = mode
        self.script: list[ModeT] = []
        self.hang_seconds = hang_seconds
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def _next_mode(self) -> ModeT:
        with self._lock:
            if self.script:
                return self.script.pop(0)
        return self.mode

    async def _record(self, request: Request, **extra: Any) -> tuple[dict[str, Any], Any]:
        raw = await request.body()
        body: Any
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        entry: dict[str, Any] = {
            "method": request.method,
            "path": request.url.path,
            "headers": {k.lower(): v for k, v in request.headers.items()},
            "json": body,
            "raw": raw,
            "mode": None,
            "time": time.time(),
            **extra,
        }
        with self._lock:
            self.requests.append(entry)
        return entry, body

    async def _hang(self) -> None:
        """Sleep ``hang_seconds`` but return early when the server is stopping."""
        deadline = time.monotonic() + self.hang_seconds
        while not self.stopping.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            await asyncio.sleep(min(_STOP_POLL_SECONDS, remaining))
