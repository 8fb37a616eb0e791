"""Offline fake of the Lambda Runtime API, as the runtime interface client (awslambdaric) uses it.

Real uvicorn underneath, so it speaks HTTP/1.1 (awslambdaric's native client fails against an
HTTP/1.0 server). Point a process at it with ``AWS_LAMBDA_RUNTIME_API=127.0.0.1:<port>``::

    with FakeLambdaRuntime() as api:
        request_id = api.invoke({"version": "2.0", ...})
        outcome = api.outcome(request_id, timeout=60)   # what the function posted

* ``GET /2018-06-01/runtime/invocation/next`` long-polls until an event is queued (or the fake
  stops) and returns it with the ``Lambda-Runtime-*`` headers.
* ``POST /2018-06-01/runtime/invocation/{id}/response`` and ``.../error`` record the outcome.
* ``POST /2018-06-01/runtime/init/error`` records an init failure (``init_errors``).
"""

from __future__ import annotations

import asyncio
import json
import queue
import threading
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.servers import UvicornServer

if TYPE_CHECKING:
    from starlette.requests import Request

PREFIX: Final = "/2018-06-01/runtime"
_POLL_SECONDS: Final = 0.02
_ACCEPTED: Final = {"status": "OK"}


@dataclass(frozen=True)
class Outcome:
    kind: Literal["response", "error"]
    body: Any
    error_type: str | None = None


class FakeLambdaRuntime(UvicornServer):
    def __init__(self, *, function_name: str = "folio-test", timeout_seconds: float = 30.0) -> None:
        app = Starlette(
            routes=[
                Route(f"{PREFIX}/invocation/next", self._next, methods=["GET"]),
                Route(f"{PREFIX}/invocation/{{request_id}}/response", self._response, methods=["POST"]),
                Route(f"{PREFIX}/invocation/{{request_id}}/error", self._error, methods=["POST"]),
                Route(f"{PREFIX}/init/error", self._init_error, methods=["POST"]),
            ]
        )
        super().__init__(app, lifespan="off", name="fake-lambda-runtime")
        self.function_arn = f"arn:aws:lambda:eu-north-1:000000000000:function:{function_name}"
        self.timeout_seconds = timeout_seconds
        self.init_errors: list[Outcome] = []
        self._events: queue.Queue[tuple[str, bytes]] = queue.Queue()
        self._outcomes: dict[str, Outcome] = {}
        self._changed = threading.Condition()

    @property
    def address(self) -> str:
        """The value of AWS_LAMBDA_RUNTIME_API for a process using this fake."""
        return f"127.0.0.1:{self.port}"

    def invoke(self, event: Any) -> str:
        """Queue one invocation; returns its request id."""
        request_id = str(uuid.uuid4())
        self._events.put((request_id, json.dumps(event).encode()))
        return request_id

    def outcome(self, request_id: str, timeout: float) -> Outcome:
        """Wait for what the function posted for this invocation."""
        with self._changed:
            if not self._changed.wait_for(lambda: request_id in self._outcomes, timeout):
                raise TimeoutError(f"no response or error was posted for {request_id} within {timeout} s")
            return self._outcomes[request_id]

    def wait_init_error(self, timeout: float) -> Outcome:
        with self._changed:
            if not self._changed.wait_for(lambda: bool(self.init_errors), timeout):
                raise TimeoutError(f"no init error was posted within {timeout} s")
            return self.init_errors[0]

    async def _next(self, _request: Request) -> Response:
        while not self.stopping.is_set():
            try:
                request_id, body = self._events.get_nowait()
            except queue.Empty:
                await asyncio.sleep(_POLL_SECONDS)
                continue
            deadline_ms = int((time.time() + self.timeout_seconds) * 1000)
            headers = {
                "Lambda-Runtime-Aws-Request-Id": request_id,
                "Lambda-Runtime-Deadline-Ms": str(deadline_ms),
                "Lambda-Runtime-Invoked-Function-Arn": self.function_arn,
                "Lambda-Runtime-Trace-Id": f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Sampled=0",
            }
            return Response(body, headers=headers, media_type="application/json")
        return JSONResponse({"errorMessage": "the fake runtime is stopping"}, status_code=500)

    async def _response(self, request: Request) -> Response:
        return await self._record(request, "response")

    async def _error(self, request: Request) -> Response:
        return await self._record(request, "error")

    async def _init_error(self, request: Request) -> Response:
        outcome = await self._read(request, "error")
        with self._changed:
            self.init_errors.append(outcome)
            self._changed.notify_all()
        return JSONResponse(_ACCEPTED, status_code=202)

    async def _record(self, request: Request, kind: Literal["response", "error"]) -> Response:
        outcome = await self._read(request, kind)
        with self._changed:
            self._outcomes[request.path_params["request_id"]] = outcome
            self._changed.notify_all()
        return JSONResponse(_ACCEPTED, status_code=202)

    @staticmethod
    async def _read(request: Request, kind: Literal["response", "error"]) -> Outcome:
        raw = await request.body()
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        return Outcome(kind, body, request.headers.get("lambda-runtime-function-error-type"))
