"""uvicorn as folio runs it, with deadlines for slow clients.

uvicorn bounds the header size (`h11_max_incomplete_event_size`) and the idle time between two
requests (`timeout_keep_alive`), but nothing bounds how long a request's head may take: a client
sending a byte a second, or nothing at all after connecting, keeps its connection forever (uvicorn
#157, open since 2018). `SlowClientProtocol` is uvicorn's h11 protocol plus that deadline. The body
has its own deadline in the app (folio.http.BodyLimitMiddleware), answered 408 in the error shape.

The protocol also answers what uvicorn would answer with a text/plain 400 itself (a malformed
request line or header, a bad Content-Length, a head over the size limit) in the error shape.
"""

from __future__ import annotations

import asyncio
import ctypes
import functools
import json
import uuid
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from folio.errors import BadRequest, FolioError, RequestTimeout
from folio.http import SECURITY_HEADERS

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

    from folio.settings import Settings


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn.Config options shared by `folio serve`, the image and the tests."""
    return {
        "http": slow_client_protocol(settings.http_header_timeout_seconds),
        "timeout_keep_alive": settings.http_keep_alive_seconds,
        "h11_max_incomplete_event_size": settings.http_max_header_bytes,
        # folio judges X-Forwarded-For itself (FOLIO_TRUSTED_PROXIES); uvicorn would believe it
        # from any peer in its own allowlist, 127.0.0.1 included.
        "proxy_headers": False,
    }


def release_free_memory() -> bool:
    """Give the heap pages malloc holds free back to the system (glibc's malloc_trim): after the
    warm-up, whose model load and index read free ~13 MB that malloc would otherwise keep
    (README "The HTTP path"). False where malloc is not glibc's."""
    libc = _glibc()
    return libc is not None and libc.malloc_trim(0) == 1


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    libc = ctypes.CDLL(None)
    if not hasattr(libc, "malloc_trim"):
        return None
    libc.malloc_trim.argtypes = [ctypes.c_size_t]
    return libc


def slow_client_protocol(head_seconds: float) -> type[SlowClientProtocol]:
    return type("SlowClientProtocol", (SlowClientProtocol,), {"head_seconds": head_seconds})


class SlowClientProtocol(H11Protocol):
    """A request's head (request line and headers) must arrive within `head_seconds` of its first
    byte, or of the connection when it is the first request: then a 408 (or, when nothing at all was
    sent, nothing) and the connection is closed. The clock stops when the app receives the request."""

    head_seconds = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._connection: asyncio.Transport | None = None
        self._serving = False
        self._received = False
        self.app = self._timing(self.app)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._connection = transport
        self._arm()

    def data_received(self, data: bytes) -> None:
        self._received = True
        if not self._serving:
            self._arm()
        super().data_received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:  # noqa: ARG002  (uvicorn's text is replaced)
        self._answer(
            BadRequest(
                "The request is not valid HTTP/1.1 (request line, headers or framing) or its headers are too large."
            )
        )

    def _timing(self, app: ASGIApp) -> ASGIApp:
        async def timed(scope: Scope, receive: Receive, send: Send) -> None:
            self._serving = True
            self._disarm()
            try:
                await app(scope, receive, send)
            finally:
                self._serving = self._received = False

        return timed

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = asyncio.get_running_loop().call_later(self.head_seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self._serving or self._connection is None or self._connection.is_closing():
            return
        if self._received:
            self._answer(RequestTimeout(f"The request headers did not arrive within {self.head_seconds:g} seconds."))
        else:
            self._connection.close()

    def _answer(self, error: FolioError) -> None:
        """The error written straight to the socket, the connection closed: no request was parsed,
        so there is no app to answer it (and no request id but a new one)."""
        if self._connection is None or self._connection.is_closing():
            return
        rid = uuid.uuid4().hex
        body = json.dumps({"error": {"code": error.code, "message": error.message, "request_id": rid}}).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            (b"x-request-id", rid.encode()),
            *SECURITY_HEADERS,
        ]
        head = f"HTTP/1.1 {error.status} {HTTPStatus(error.status).phrase}\r\n".encode()
        head += b"".join(name + b": " + value + b"\r\n" for name, value in headers)
        self._connection.write(head + b"\r\n" + body)
        self._connection.close()
