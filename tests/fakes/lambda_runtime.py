"""Offline fake of the Lambda Runtime API, as awslambdaric and folio.runtime_api use it.

Real uvicorn underneath, so it speaks HTTP/1.1 (awslambdaric's native client fails against an
HTTP/1.0 server). Point a process at it with ``AWS_LAMBDA_RUNTIME_API=127.0.0.1:<port>``::

    with FakeLambdaRuntime() as api:
        request_id = api.invoke({"version": "2.0", ...})
        outcome = api.outcome(request_id, timeout=60)   # what the function posted

* ``GET /2018-06-01/runtime/invocation/next`` long-polls until an event is queued (or the fake
  stops) and returns it with the ``Lambda-Runtime-*`` headers.
* ``POST /2018-06-01/runtime/invocation/{id}/response`` and ``.../error`` record the outcome.
* ``POST /2018-06-01/runtime/init/error`` records an init failure (``init_errors``).

A response posted with ``Lambda-Runtime-Function-Response-Mode: streaming`` is a streamed one
(the AWS Lambda guide, "Implementing response streaming in a custom runtime"; the prelude as Node's
``awslambda.HttpResponseStream`` writes it). Its body is recorded as it arrives
(``wait_received``), and once it ends the request is read again from the bytes the connection
carried, independently of uvicorn's parser, and checked byte for byte: the request line and
headers (``Transfer-Encoding: chunked``, the response mode, the HTTP integration content type, the
``Trailer`` declaration, no ``Content-Length``), every chunk's framing, the terminating chunk, the
trailers (only the two declared error fields, the body base64 JSON) and nothing after them; then
the body: a JSON prelude (``statusCode``, ``headers``, ``cookies``) without a NUL, exactly 8 NUL
bytes, the payload. What strays is listed in ``Streamed.problems`` (and answered 400), so a test
asserts it is empty.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import queue
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from uvicorn.protocols.http.h11_impl import H11Protocol

from tests.support.servers import UvicornServer

if TYPE_CHECKING:
    from starlette.requests import Request

PREFIX: Final = "/2018-06-01/runtime"
STREAMING_MODE: Final = "streaming"
PRELUDE_TYPE: Final = "application/vnd.awslambda.http-integration-response"
ERROR_TYPE: Final = "Lambda-Runtime-Function-Error-Type"
ERROR_BODY: Final = "Lambda-Runtime-Function-Error-Body"
DELIMITER: Final = b"\0" * 8
_POLL_SECONDS: Final = 0.02
_ACCEPTED: Final = {"status": "OK"}
_HEX: Final = re.compile(rb"^[0-9A-Fa-f]{1,8}$")
_TOKEN: Final = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

Kind = Literal["response", "error", "stream"]


@dataclass(frozen=True)
class Streamed:
    """A streamed response as it crossed the wire, and how it strays from the protocol."""

    head: list[tuple[str, str]]  # the request's header lines, names as sent
    chunks: list[bytes]  # the body's chunks as framed
    trailers: dict[str, str]
    prelude: dict[str, Any]
    payload: bytes  # the body after the prelude and its 8 NUL bytes
    problems: list[str]
    client: tuple[str, int]

    @property
    def status(self) -> int:
        return int(self.prelude.get("statusCode", 0))

    @property
    def headers(self) -> dict[str, str]:
        return dict(self.prelude.get("headers", {}))

    def text(self) -> str:
        return self.payload.decode()

    def error(self) -> dict[str, Any] | None:
        """The error the trailers carry (decoded), or None when the response ended normally."""
        if ERROR_BODY.lower() not in self.trailers:
            return None
        decoded: dict[str, Any] = json.loads(base64.b64decode(self.trailers[ERROR_BODY.lower()]))
        return decoded


@dataclass(frozen=True)
class Outcome:
    kind: Kind
    body: Any
    error_type: str | None = None
    streamed: Streamed | None = None


@dataclass
class _Connections:
    """The bytes every connection carried, by client address, and which have closed."""

    raw: dict[tuple[str, int], bytearray] = field(default_factory=dict)
    closed: set[tuple[str, int]] = field(default_factory=set)
    changed: threading.Condition = field(default_factory=threading.Condition)


def _recording_protocol(connections: _Connections) -> type[H11Protocol]:
    class Recording(H11Protocol):
        def data_received(self, data: bytes) -> None:
            if self.client is not None:
                with connections.changed:
                    connections.raw.setdefault(self.client, bytearray()).extend(data)
            super().data_received(data)

        def connection_lost(self, exc: Exception | None) -> None:
            if self.client is not None:
                with connections.changed:
                    connections.closed.add(self.client)
                    connections.changed.notify_all()
            super().connection_lost(exc)

    return Recording


class FakeLambdaRuntime(UvicornServer):
    def __init__(
        self, *, function_name: str = "folio-test", timeout_seconds: float = 30.0, keep_alive_seconds: int = 5
    ) -> None:
        app = Starlette(
            routes=[
                Route(f"{PREFIX}/invocation/next", self._next, methods=["GET"]),
                Route(f"{PREFIX}/invocation/{{request_id}}/response", self._response, methods=["POST"]),
                Route(f"{PREFIX}/invocation/{{request_id}}/error", self._error, methods=["POST"]),
                Route(f"{PREFIX}/init/error", self._init_error, methods=["POST"]),
            ]
        )
        self._connections = _Connections()
        options = {"http": _recording_protocol(self._connections), "timeout_keep_alive": keep_alive_seconds}
        super().__init__(app, lifespan="off", name="fake-lambda-runtime", options=options)
        self.function_arn = f"arn:aws:lambda:eu-north-1:000000000000:function:{function_name}"
        self.timeout_seconds = timeout_seconds
        self.init_errors: list[Outcome] = []
        self._events: queue.Queue[tuple[str, bytes]] = queue.Queue()
        self._outcomes: dict[str, Outcome] = {}
        self._received: dict[str, bytearray] = {}
        self._changed = threading.Condition()

    @property
    def address(self) -> str:
        """The value of AWS_LAMBDA_RUNTIME_API for a process using this fake."""
        return f"127.0.0.1:{self.port}"

    def invoke(self, event: Any) -> str:
        """Queue one invocation; returns its request id."""
        return self.invoke_raw(json.dumps(event).encode())

    def invoke_raw(self, payload: bytes) -> str:
        """Queue one invocation of these exact bytes (which need not be JSON)."""
        request_id = str(uuid.uuid4())
        self._events.put((request_id, payload))
        return request_id

    def outcome(self, request_id: str, timeout: float) -> Outcome:
        """Wait for what the function posted for this invocation."""
        with self._changed:
            if not self._changed.wait_for(lambda: request_id in self._outcomes, timeout):
                raise TimeoutError(f"no response or error was posted for {request_id} within {timeout} s")
            return self._outcomes[request_id]

    def wait_received(self, request_id: str, needle: bytes, timeout: float) -> bytes:
        """Wait until the streamed body of this invocation, as received so far, holds `needle`;
        returns what has been received (prelude included). Raises TimeoutError."""

        def found() -> bool:
            return needle in self._received.get(request_id, b"")

        with self._changed:
            if not self._changed.wait_for(found, timeout):
                got = bytes(self._received.get(request_id, b""))[-300:]
                raise TimeoutError(f"{needle!r} was not received for {request_id} within {timeout} s; got …{got!r}")
            return bytes(self._received[request_id])

    def finished(self, request_id: str) -> bool:
        with self._changed:
            return request_id in self._outcomes

    def wait_closed(self, client: tuple[str, int], timeout: float) -> bool:
        """Whether the function closed this connection (within `timeout`)."""
        with self._connections.changed:
            return self._connections.changed.wait_for(lambda: client in self._connections.closed, timeout)

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
        if request.headers.get("lambda-runtime-function-response-mode") is not None:
            return await self._streamed(request)
        return await self._record(request, "response")

    async def _error(self, request: Request) -> Response:
        return await self._record(request, "error")

    async def _init_error(self, request: Request) -> Response:
        outcome = await self._read(request, "error")
        with self._changed:
            self.init_errors.append(outcome)
            self._changed.notify_all()
        return JSONResponse(_ACCEPTED, status_code=202)

    async def _record(self, request: Request, kind: Kind) -> Response:
        outcome = await self._read(request, kind)
        self._store(request.path_params["request_id"], outcome)
        return JSONResponse(_ACCEPTED, status_code=202)

    def _store(self, request_id: str, outcome: Outcome) -> None:
        with self._changed:
            self._outcomes[request_id] = outcome
            self._changed.notify_all()

    @staticmethod
    async def _read(request: Request, kind: Kind) -> Outcome:
        raw = await request.body()
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        return Outcome(kind, body, request.headers.get("lambda-runtime-function-error-type"))

    async def _streamed(self, request: Request) -> Response:
        request_id = request.path_params["request_id"]
        received = bytearray()
        with self._changed:
            self._received[request_id] = received
        async for piece in request.stream():
            with self._changed:
                received.extend(piece)
                self._changed.notify_all()
        client = (request.client.host, request.client.port) if request.client else ("", 0)
        with self._connections.changed:
            raw = bytes(self._connections.raw.get(client, b""))
        streamed = _check_stream(raw, request_id, bytes(received), client)
        self._store(request_id, Outcome("stream", None, streamed=streamed))
        if streamed.problems:
            return JSONResponse({"errorMessage": "; ".join(streamed.problems)}, status_code=400)
        return JSONResponse(_ACCEPTED, status_code=202)


def _check_stream(raw: bytes, request_id: str, delivered: bytes, client: tuple[str, int]) -> Streamed:
    """Read the streamed request again from the connection's bytes and check it."""
    problems: list[str] = []
    head, separator, rest = raw.partition(b"\r\n\r\n")
    if not separator:
        problems.append("the request head does not end with CRLF CRLF")
    request_line, *header_lines = head.split(b"\r\n")
    expected = f"POST {PREFIX}/invocation/{request_id}/response HTTP/1.1".encode()
    if request_line != expected:
        problems.append(f"the connection does not start with {expected!r} but {request_line[:120]!r}")
    headers = _header_lines(header_lines, problems, "header")
    _check_headers(headers, problems)
    chunks, rest = _chunks(rest, problems)
    trailers = _trailers(rest, headers, problems)
    body = b"".join(chunks)
    if body != delivered:
        problems.append("the chunks joined are not the body uvicorn delivered")
    prelude, payload = _prelude(body, problems)
    return Streamed(headers, chunks, trailers, prelude, payload, problems, client)


def _header_lines(lines: list[bytes], problems: list[str], what: str) -> list[tuple[str, str]]:
    fields = []
    for line in lines:
        name, colon, value = line.decode("latin-1").partition(":")
        if not colon or not _TOKEN.match(name) or value != value.rstrip() or not value.startswith(" "):
            problems.append(f"malformed {what} line {line[:120]!r}")
            continue
        fields.append((name, value.strip()))
    return fields


def _check_headers(headers: list[tuple[str, str]], problems: list[str]) -> None:
    values: dict[str, list[str]] = {}
    for name, value in headers:
        values.setdefault(name.lower(), []).append(value)
    if values.get("lambda-runtime-function-response-mode") != [STREAMING_MODE]:
        problems.append(
            f"Lambda-Runtime-Function-Response-Mode is {values.get('lambda-runtime-function-response-mode')}"
        )
    if values.get("transfer-encoding") != ["chunked"]:
        problems.append(f"Transfer-Encoding is {values.get('transfer-encoding')}, not chunked")
    if "content-length" in values:
        problems.append("a streamed response has a Content-Length")
    if values.get("content-type") != [PRELUDE_TYPE]:
        problems.append(f"Content-Type is {values.get('content-type')}, not {PRELUDE_TYPE}")
    declared = {part.strip().lower() for value in values.get("trailer", []) for part in value.split(",")}
    if declared != {ERROR_TYPE.lower(), ERROR_BODY.lower()}:
        problems.append(f"the Trailer header declares {sorted(declared)}, not the two error trailers")


def _chunks(rest: bytes, problems: list[str]) -> tuple[list[bytes], bytes]:
    """The chunks up to the terminating one; returns them and what follows its size line."""
    chunks: list[bytes] = []
    while True:
        size_line, crlf, rest = rest.partition(b"\r\n")
        if not crlf or not _HEX.match(size_line):
            problems.append(f"malformed chunk size line {size_line[:40]!r} after {len(chunks)} chunks")
            return chunks, b""
        size = int(size_line, 16)
        if size == 0:
            return chunks, rest
        data, end = rest[:size], rest[size : size + 2]
        if len(data) < size or end != b"\r\n":
            problems.append(f"chunk {len(chunks)} ({size} bytes) is not followed by CRLF")
            return chunks, b""
        chunks.append(data)
        rest = rest[size + 2 :]


def _trailers(rest: bytes, headers: list[tuple[str, str]], problems: list[str]) -> dict[str, str]:
    """The trailer section after the terminating chunk: only the declared error fields, then CRLF, then nothing."""
    section, end, after = rest.partition(b"\r\n\r\n") if not rest.startswith(b"\r\n") else (b"", b"\r\n", rest[2:])
    if not end:
        problems.append(f"the body does not end with the last chunk and CRLF: {rest[:80]!r}")
    if after:
        problems.append(f"{len(after)} bytes follow the end of the request on its connection")
    lines = section.split(b"\r\n") if section else []
    trailers = {name.lower(): value for name, value in _header_lines(lines, problems, "trailer")}
    if trailers and set(trailers) != {ERROR_TYPE.lower(), ERROR_BODY.lower()}:
        problems.append(f"unexpected trailers {sorted(trailers)}")
    if ERROR_BODY.lower() in trailers:
        try:
            error = json.loads(base64.b64decode(trailers[ERROR_BODY.lower()], validate=True))
        except (binascii.Error, ValueError):
            problems.append("the error body trailer is not base64 JSON")
        else:
            if not (isinstance(error, dict) and {"errorType", "errorMessage"} <= set(error)):
                problems.append(f"the error body trailer is not an error document: {error}")
    return trailers


def _prelude(body: bytes, problems: list[str]) -> tuple[dict[str, Any], bytes]:
    prelude_bytes, delimiter, payload = body.partition(DELIMITER)
    if not delimiter:
        problems.append("the body holds no 8 NUL bytes after a prelude")
        return {}, body
    try:
        prelude = json.loads(prelude_bytes)
    except ValueError:
        problems.append(f"the prelude is not JSON: {prelude_bytes[:120]!r}")
        return {}, payload
    if not isinstance(prelude, dict):
        problems.append(f"the prelude is not an object: {prelude!r}")
        return {}, payload
    status = prelude.get("statusCode")
    if not (isinstance(status, int) and 100 <= status <= 599):
        problems.append(f"statusCode is {status!r}")
    headers = prelude.get("headers", {})
    if not (isinstance(headers, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items())):
        problems.append(f"headers is not an object of strings: {headers!r}")
    cookies = prelude.get("cookies", [])
    if not (isinstance(cookies, list) and all(isinstance(c, str) for c in cookies)):
        problems.append(f"cookies is not a list of strings: {cookies!r}")
    if set(prelude) - {"statusCode", "headers", "cookies"}:
        problems.append(f"the prelude has fields Lambda does not read: {sorted(set(prelude))}")
    return prelude, payload
