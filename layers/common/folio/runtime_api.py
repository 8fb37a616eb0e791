"""The Lambda Runtime API spoken by folio itself, for a Function URL with `InvokeMode: RESPONSE_STREAM`.

The Python runtime interface client (awslambdaric) posts one buffered response per invocation, so
this loop takes its place when FOLIO_LAMBDA_INVOKE_MODE=response_stream. It follows the Runtime
API's documented streaming mode (the AWS Lambda guide, "Implementing response streaming in a custom
runtime"), and the HTTP integration format Node's `awslambda.HttpResponseStream` writes:

    POST /2018-06-01/runtime/invocation/{id}/response HTTP/1.1
    Lambda-Runtime-Function-Response-Mode: streaming
    Transfer-Encoding: chunked
    Content-Type: application/vnd.awslambda.http-integration-response
    Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body

    chunk: {"statusCode":200,"headers":{...},"cookies":[...]} + 8 NUL bytes   (the prelude)
    chunks: the body, one per ASGI body message, as the app sends them
    0-size chunk; after an error once the body has started, the two trailers (the body base64)

On a new connection per response, closed once Lambda has answered it. Everything else (the next
invocation, a buffered answer to a non-HTTP event, an error) is an ordinary request on one
keep-alive connection. One invocation at a time: Lambda's default, one request per environment.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import http.client
import json
import logging
import time
import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from collections.abc import Mapping, MutableMapping, Sequence

    from folio.handlers import LambdaHandler

log = logging.getLogger(__name__)

PREFIX: Final = "/2018-06-01/runtime"
RESPONSE_MODE_HEADER: Final = "Lambda-Runtime-Function-Response-Mode"
ERROR_TYPE_HEADER: Final = "Lambda-Runtime-Function-Error-Type"
ERROR_BODY_TRAILER: Final = "Lambda-Runtime-Function-Error-Body"
PRELUDE_CONTENT_TYPE: Final = "application/vnd.awslambda.http-integration-response"
DELIMITER: Final = b"\0" * 8
# What the function posts when its response is cut short once the body has started.
STREAM_ERROR_TYPE: Final = "Function.StreamInterrupted"
# How the body is framed is Lambda's business (it streams to the client with its own framing).
_FRAMING: Final = frozenset({"content-length", "transfer-encoding", "connection"})
_TRACE_ENV: Final = "_X_AMZN_TRACE_ID"


class RuntimeApiError(Exception):
    """The Runtime API answered what a runtime cannot go on after (the environment is going away)."""


@dataclass(frozen=True)
class Invocation:
    request_id: str
    event: bytes
    deadline_ms: int
    function_arn: str
    trace_id: str | None


@dataclass(frozen=True)
class FunctionConfig:
    """What Lambda tells the runtime about the function through its environment."""

    name: str
    version: str
    memory_mb: int
    log_group: str
    log_stream: str

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> FunctionConfig:
        return cls(
            name=environ.get("AWS_LAMBDA_FUNCTION_NAME", "folio"),
            version=environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
            memory_mb=int(environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "0") or 0),
            log_group=environ.get("AWS_LAMBDA_LOG_GROUP_NAME", ""),
            log_stream=environ.get("AWS_LAMBDA_LOG_STREAM_NAME", ""),
        )


class InvocationContext:
    """The context object awslambdaric hands a handler: what handlers and Powertools read."""

    def __init__(self, invocation: Invocation, function: FunctionConfig) -> None:
        self.aws_request_id = invocation.request_id
        self.invoked_function_arn = invocation.function_arn
        self.function_name = function.name
        self.function_version = function.version
        self.memory_limit_in_mb = function.memory_mb
        self.log_group_name = function.log_group
        self.log_stream_name = function.log_stream
        self._deadline_ms = invocation.deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(self._deadline_ms - int(time.time() * 1000), 0)


def http_prelude(status: int, headers: Sequence[tuple[bytes, bytes]]) -> bytes:
    """The JSON that precedes the body: the status, the headers (repeated ones joined with ", ",
    as HTTP allows) and the cookies (Set-Cookie cannot be joined). json.dumps escapes every control
    character, so the prelude never holds the NUL bytes that end it."""
    fields: dict[str, str] = {}
    cookies: list[str] = []
    for raw_name, raw_value in headers:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        if name == "set-cookie":
            cookies.append(value)
        elif name not in _FRAMING:
            fields[name] = f"{fields[name]}, {value}" if name in fields else value
    prelude = {"statusCode": status, "headers": fields, "cookies": cookies}
    return json.dumps(prelude, separators=(",", ":")).encode()


class RuntimeApi:
    """The Runtime API at AWS_LAMBDA_RUNTIME_API (host:port)."""

    def __init__(self, address: str) -> None:
        host, _, port = address.rpartition(":")
        self.address = address
        self.host = host.strip("[]")
        self.port = int(port)
        # No timeout: /next is a long poll that returns when an invocation comes.
        self._connection = http.client.HTTPConnection(self.host, self.port)

    def next(self) -> Invocation:
        status, headers, body = self._request("GET", f"{PREFIX}/invocation/next")
        if status != 200 or "lambda-runtime-aws-request-id" not in headers:
            raise RuntimeApiError(f"the next invocation could not be read: {status} {body[:200]!r}")
        return Invocation(
            request_id=headers["lambda-runtime-aws-request-id"],
            event=body,
            deadline_ms=int(headers.get("lambda-runtime-deadline-ms", "0") or 0),
            function_arn=headers.get("lambda-runtime-invoked-function-arn", ""),
            trace_id=headers.get("lambda-runtime-trace-id"),
        )

    def respond(self, request_id: str, result: Any) -> None:
        """A buffered response: the whole answer as one JSON document."""
        body = json.dumps(result).encode()
        self._post(f"{PREFIX}/invocation/{request_id}/response", body, {"Content-Type": "application/json"})

    def fail(self, request_id: str, error_type: str, exc: BaseException) -> None:
        """An invocation error, before any of its response was sent (awslambdaric's shape)."""
        body = _error_document(error_type, str(exc), traceback.format_exception(exc))
        headers = {"Content-Type": "application/json", ERROR_TYPE_HEADER: error_type}
        self._post(f"{PREFIX}/invocation/{request_id}/error", body, headers)

    def close(self) -> None:
        self._connection.close()

    def stream(self, request_id: str) -> StreamedResponse:
        """The streamed response of one invocation; nothing is sent before its start()."""
        return StreamedResponse(self, request_id)

    def _post(self, path: str, body: bytes, headers: dict[str, str]) -> None:
        status, _, answer = self._request("POST", path, body, headers)
        if status >= 300:
            raise RuntimeApiError(f"{path} was refused: {status} {answer[:200]!r}")

    def _request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        try:
            return self._exchange(method, path, body, headers or {})
        except (OSError, http.client.HTTPException):
            # The keep-alive connection may have been closed while it sat idle (a long streamed
            # response goes on a connection of its own): once more, on a new one.
            self._connection.close()
        try:
            return self._exchange(method, path, body, headers or {})
        except (OSError, http.client.HTTPException) as exc:
            self._connection.close()
            raise RuntimeApiError(f"the Runtime API at {self.address} cannot be reached: {exc}") from exc

    def _exchange(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        self._connection.request(method, path, body, headers)
        response = self._connection.getresponse()
        answer = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, answer


class StreamedResponse:
    """One invocation's response, written as the app sends it (the handlers' `ResponseStream`)."""

    def __init__(self, api: RuntimeApi, request_id: str) -> None:
        self._api = api
        self._request_id = request_id
        self._writer: asyncio.StreamWriter | None = None
        self._reader: asyncio.StreamReader | None = None

    @property
    def started(self) -> bool:
        return self._writer is not None

    async def start(self, status: int, headers: Sequence[tuple[bytes, bytes]]) -> None:
        self._reader, self._writer = await asyncio.open_connection(self._api.host, self._api.port)
        head = (
            f"POST {PREFIX}/invocation/{self._request_id}/response HTTP/1.1\r\n"
            f"Host: {self._api.address}\r\n"
            f"{RESPONSE_MODE_HEADER}: streaming\r\n"
            "Transfer-Encoding: chunked\r\n"
            f"Content-Type: {PRELUDE_CONTENT_TYPE}\r\n"
            f"Trailer: {ERROR_TYPE_HEADER}, {ERROR_BODY_TRAILER}\r\n"
            "\r\n"
        )
        self._writer.write(head.encode("latin-1"))
        await self._chunk(http_prelude(status, headers) + DELIMITER)

    async def write(self, data: bytes) -> None:
        if data:  # an empty chunk would end the body
            await self._chunk(data)

    async def close(self) -> None:
        await self._end(b"0\r\n\r\n")

    async def abort(self, message: str) -> None:
        """End the body early and say why, in the trailers (the status has been sent already)."""
        body = base64.b64encode(_error_document(STREAM_ERROR_TYPE, message, [])).decode()
        await self._end(
            f"0\r\n{ERROR_TYPE_HEADER}: {STREAM_ERROR_TYPE}\r\n{ERROR_BODY_TRAILER}: {body}\r\n\r\n".encode()
        )

    async def _chunk(self, data: bytes) -> None:
        writer = self._started_writer()
        writer.write(b"%X\r\n%s\r\n" % (len(data), data))
        await writer.drain()

    async def _end(self, last: bytes) -> None:
        writer, reader = self._started_writer(), self._reader
        assert reader is not None
        try:
            writer.write(last)
            await writer.drain()
            status_line = await reader.readline()
            while (await reader.readline()).strip():  # the rest of Lambda's answer is not needed
                pass
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
        parts = status_line.split(b" ", 2)
        if len(parts) < 2 or not parts[1].startswith(b"2"):
            # Nothing more to send for this invocation; the next one tells whether the environment lives on.
            log.error(
                "the Runtime API refused the streamed response", extra={"answer": status_line[:200].decode("latin-1")}
            )

    def _started_writer(self) -> asyncio.StreamWriter:
        if self._writer is None:
            raise RuntimeError("the response stream is written before it is started")
        return self._writer


def _error_document(error_type: str, message: str, stack: list[str]) -> bytes:
    return json.dumps({"errorMessage": message, "errorType": error_type, "stackTrace": stack}).encode()


def serve(api: RuntimeApi, handler: LambdaHandler, function: FunctionConfig, environ: MutableMapping[str, str]) -> None:
    """Answer invocations until the Runtime API stops answering (it raises RuntimeApiError then)."""
    while True:
        answer(api, api.next(), handler, function, environ)


def answer(
    api: RuntimeApi,
    invocation: Invocation,
    handler: LambdaHandler,
    function: FunctionConfig,
    environ: MutableMapping[str, str],
) -> None:
    """One invocation: an HTTP event's response streamed, any other event's answer posted whole."""
    # As every runtime does: the X-Ray trace of this invocation, for the SDKs that propagate it.
    if invocation.trace_id:
        environ[_TRACE_ENV] = invocation.trace_id
    else:
        environ.pop(_TRACE_ENV, None)
    try:
        event = json.loads(invocation.event)
    except ValueError as exc:
        api.fail(invocation.request_id, "Runtime.UnmarshalError", exc)
        return
    stream = api.stream(invocation.request_id)
    try:
        result = handler.stream(event, InvocationContext(invocation, function), stream)
    except Exception as exc:
        log.exception("the invocation failed")
        if not stream.started:
            api.fail(invocation.request_id, "Runtime.Unhandled", exc)
        return
    if result is not None:
        api.respond(invocation.request_id, result)
