"""Lambda entry: the app for well-formed HTTP events, a 400 for malformed ones, a plain answer for
anything else (warm-up pings, notifications the function does not take).

A handler answers an HTTP event the way its Function URL's InvokeMode expects: called as
`handler(event, context)`, with the whole response as one Lambda HTTP response (Mangum, BUFFERED);
through `handler.stream(event, context, stream)`, by writing the response to `stream` as the app
sends it (RESPONSE_STREAM: folio.runtime_api posts it; `folio invoke --stream` prints it).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from aws_lambda_powertools.logging import correlation_paths
from mangum import Mangum

from folio.errors import BadRequest, FolioError
from folio.events import check_http_event, is_http_event
from folio.http import lambda_error_response
from folio.logs import powertools_logger, request_id_var
from folio.metrics import EmfMetrics

if TYPE_CHECKING:
    from collections.abc import Sequence

    from starlette.applications import Starlette
    from starlette.types import Message, Scope

    from folio.runtime import Runtime

log = logging.getLogger(__name__)

# What a function does with an event that is not an HTTP request (an S3 notification, say).
EventHandler = Callable[[dict[str, Any], "Runtime"], dict[str, Any]]
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_CUT_SHORT = "The response was cut short by an unexpected error."


class ResponseStream(Protocol):
    """Where a streamed response goes: its status and headers once, then its body piece by piece,
    then either close() or, when the app fails once the body has started, abort()."""

    async def start(self, status: int, headers: Sequence[tuple[bytes, bytes]]) -> None: ...

    async def write(self, data: bytes) -> None: ...

    async def close(self) -> None: ...

    async def abort(self, message: str) -> None: ...


def lambda_handler(app: Starlette, on_event: EventHandler | None = None) -> LambdaHandler:
    return LambdaHandler(app, on_event)


class LambdaHandler:
    """The app behind a Lambda handler, after loading everything heavy during the Lambda init phase.

    Logs go through a Powertools Logger: each invocation's lines carry cold_start, the function's
    name and request id, and the Function URL request id as correlation_id. Its cold-start flag
    (first invocation of the process, never under provisioned concurrency) also counts EMF cold starts.
    """

    def __init__(self, app: Starlette, on_event: EventHandler | None = None) -> None:
        self._app = app
        self._runtime: Runtime = app.state.runtime
        self._on_event = on_event
        logger = powertools_logger(self._runtime.settings.log_level)
        self._runtime.try_warm()
        # lifespan="off": Mangum would run startup and shutdown on every invocation. Its own access
        # line is quietened: the app logs each request, with the request id.
        self._adapter = Mangum(app, lifespan="off")
        logging.getLogger("mangum.http").setLevel(logging.WARNING)
        # The loop Mangum made the thread's and runs every buffered invocation on: streamed ones run
        # on it too, so the connections the runtime keeps (LLM clients, the store) serve both.
        self._loop = asyncio.get_event_loop()
        self._logger = logger
        inject = logger.inject_lambda_context(
            correlation_id_path=correlation_paths.LAMBDA_FUNCTION_URL, clear_state=True
        )
        self._handle = inject(self._invoke)

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        answer = self._handle(event, context, None)
        assert answer is not None, "without a stream every event is answered whole"
        return answer

    def stream(self, event: Any, context: Any, stream: ResponseStream) -> dict[str, Any] | None:
        """An HTTP event's response written to `stream` (None is returned); any other event's
        answer returned, to be posted whole."""
        return self._handle(event, context, stream)

    def _invoke(self, event: Any, context: Any, stream: ResponseStream | None) -> dict[str, Any] | None:
        try:
            if is_http_event(event):
                return self._serve(event, context, stream)
            if self._on_event is not None and isinstance(event, dict):
                return self._on_event(event, self._runtime)
            log.info("ignored a non-HTTP event", extra={"keys": sorted(event)[:10] if isinstance(event, dict) else []})
            return {"ok": True, "ignored": "not an HTTP event"}
        finally:
            if isinstance(self._runtime.metrics, EmfMetrics):
                self._runtime.metrics.flush(cold_start=self._logger.get_current_keys().get("cold_start") is True)

    def _serve(self, event: dict[str, Any], context: Any, stream: ResponseStream | None) -> dict[str, Any] | None:
        rid = _request_id(event, context)
        try:
            check_http_event(event)
        except BadRequest as exc:
            refusal = self._refuse(exc, rid)
            if stream is None:
                return refusal
            self._loop.run_until_complete(_send_whole(refusal, stream))
            return None
        if stream is None:
            return self._adapter(event, context)
        gateway = self._adapter.infer(event, context)
        cycle = _StreamedCycle(gateway.scope, gateway.body, stream, rid)
        self._loop.run_until_complete(cycle.run(self._app))
        return None

    def _refuse(self, exc: BadRequest, rid: str) -> dict[str, Any]:
        token = request_id_var.set(rid)
        try:
            log.warning("refused a malformed HTTP event", extra={"problem": exc.message})
        finally:
            request_id_var.reset(token)
        self._runtime.metrics.count("requests", route="other", status="4xx")
        return lambda_error_response(exc, rid)


class _StreamedCycle:
    """One request through the app, its response passed on to a ResponseStream as the app sends it
    (Mangum's HTTPCycle buffers it). Lambda tells of no client leaving: as under Mangum, the app
    hears `http.disconnect` only once its response is complete."""

    def __init__(self, scope: Scope, body: bytes, stream: ResponseStream, request_id: str) -> None:
        self._scope = scope
        self._request: Message | None = {"type": "http.request", "body": body, "more_body": False}
        self._stream = stream
        self._request_id = request_id
        self._started = False
        self._ended = False
        self._complete = asyncio.Event()

    async def run(self, app: Starlette) -> None:
        token = request_id_var.set(self._request_id)
        try:
            await app(self._scope, self._receive, self._send)
        except Exception:
            # Starlette has answered its 500 already when it re-raises; otherwise the answer is
            # cut short here, with the reason in the trailers, or replaced by a 500.
            log.exception("unhandled error in the app")
            if self._started and not self._ended:
                await self._abort()
        finally:
            request_id_var.reset(token)
        if not self._started:
            await _send_whole(lambda_error_response(FolioError(), self._request_id), self._stream)
        elif not self._ended:
            await self._stream.close()

    async def _abort(self) -> None:
        self._ended = True
        try:
            await self._stream.abort(_CUT_SHORT)
        except OSError:
            log.warning("the response stream could not be ended with its error", exc_info=True)

    async def _receive(self) -> Message:
        if self._request is not None:
            request, self._request = self._request, None
            return request
        await self._complete.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start" and not self._started:
            headers = [(bytes(name), bytes(value)) for name, value in message.get("headers", [])]
            await self._stream.start(message["status"], headers)
            self._started = True
        elif kind == "http.response.body" and self._started and not self._ended:
            await self._stream.write(message.get("body", b""))
            if not message.get("more_body", False):
                self._ended = True
                await self._stream.close()
                self._complete.set()
        else:
            raise RuntimeError(f"unexpected ASGI message {kind!r} for this response")


async def _send_whole(response: dict[str, Any], stream: ResponseStream) -> None:
    """A Lambda HTTP response (statusCode, headers, cookies, body) written to a stream."""
    headers = [(name.lower().encode(), str(value).encode()) for name, value in response.get("headers", {}).items()]
    headers += [(b"set-cookie", cookie.encode()) for cookie in response.get("cookies", [])]
    body = response.get("body", "")
    await stream.start(response["statusCode"], headers)
    await stream.write(base64.b64decode(body) if response.get("isBase64Encoded") else body.encode())
    await stream.close()


def _request_id(event: dict[str, Any], context: Any) -> str:
    """The event's request id when it is a safe one, else the invocation's."""
    request_context = event.get("requestContext")
    candidate = request_context.get("requestId") if isinstance(request_context, dict) else None
    if isinstance(candidate, str) and _SAFE_REQUEST_ID.match(candidate):
        return candidate
    invocation = getattr(context, "aws_request_id", None)
    return invocation if isinstance(invocation, str) and _SAFE_REQUEST_ID.match(invocation) else uuid.uuid4().hex
