"""The HTTP edge shared by every function: middleware, error rendering, JSON bodies.

Middleware order (outermost first): request id → access (count + log line) → security headers → CORS →
errors → Function URL events only (on Lambda) → request head checks → body limit and deadline.
Errors are rendered inside CORS, the security headers and the request-id layer, so error responses
(refused preflights too) carry all three.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse

from folio.errors import (
    BadRequest,
    CorsRefused,
    FolioError,
    Forbidden,
    HeadersTooLarge,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    RequestTimeout,
    UnsupportedEvent,
    UnsupportedMediaType,
    ValidationFailed,
)
from folio.logs import request_id_var

if TYPE_CHECKING:
    from starlette.datastructures import Headers
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from folio.metrics import Metrics
    from folio.settings import Settings

log = logging.getLogger(__name__)
Model = TypeVar("Model", bound=BaseModel)

_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_JSON_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def request_id(scope: Scope) -> str:
    return str(scope.get("state", {}).get("request_id") or request_id_var.get())


def error_body(exc: FolioError, rid: str) -> dict[str, Any]:
    """The error shape (schemas.ErrorBody), in a JSON response or a stream's `error` event."""
    body: dict[str, Any] = {"code": exc.code, "message": exc.message, "request_id": rid}
    if exc.details:
        body["details"] = exc.details
    return {"error": body}


def error_response(exc: FolioError, rid: str) -> JSONResponse:
    return JSONResponse(error_body(exc, rid), status_code=exc.status, headers=exc.headers)


def lambda_error_response(exc: FolioError, rid: str) -> dict[str, Any]:
    """The error shape as a Lambda HTTP response, for an event refused before it reaches the app."""
    response = error_response(exc, rid)
    headers = {name.decode(): value.decode() for name, value in [*SECURITY_HEADERS, (b"x-request-id", rid.encode())]}
    return {
        "statusCode": response.status_code,
        "headers": {**headers, **response.headers},
        "body": bytes(response.body).decode(),
        "isBase64Encoded": False,
    }


async def read_json(request: Request, model: type[Model]) -> Model:
    """Parse and validate a JSON body: 415 for other content types, 400 for broken JSON, 422 for bad fields."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise UnsupportedMediaType()
    raw = await request.body()
    try:
        data = json.loads(raw) if raw.strip() else None
    except json.JSONDecodeError as exc:
        raise BadRequest(f"The body is not valid JSON (line {exc.lineno}, column {exc.colno}).") from exc
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        # Not UTF-8, a number past Python's 4,300-digit limit, or arrays nested past the stack.
        raise BadRequest("The body is not valid JSON, or nests or numbers past what folio reads.") from exc
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        details = [
            {"field": ".".join(str(p) for p in e["loc"]) or "body", "message": _clean_msg(e["msg"]), "type": e["type"]}
            for e in exc.errors()
        ]
        summary = "; ".join(f"{d['field']}: {d['message']}" for d in details)
        raise ValidationFailed(summary, details=details) from exc


def _clean_msg(message: str) -> str:
    return message.removeprefix("Value error, ")


class _HTTPMiddleware:
    """A pure ASGI middleware that only looks at HTTP requests and passes anything else through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


def _adding_headers(send: Send, headers: list[tuple[bytes, bytes]]) -> Send:
    """Wrap send so the response start carries these headers (unless the app set them)."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = {name.lower() for name, _ in message.get("headers", [])}
            message["headers"] = [*message.get("headers", []), *(h for h in headers if h[0] not in present)]
        await send(message)

    return wrapped


class RequestIdMiddleware(_HTTPMiddleware):
    """Give every request an id (a safe client-sent X-Request-ID, the Lambda request id, or new)."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        rid = _pick_request_id(scope)
        scope.setdefault("state", {})["request_id"] = rid
        token = request_id_var.set(rid)
        try:
            await self.app(scope, receive, _adding_headers(send, [(b"x-request-id", rid.encode())]))
        finally:
            request_id_var.reset(token)


def _pick_request_id(scope: Scope) -> str:
    candidate = _header(scope, b"x-request-id")
    if candidate is not None and _CLIENT_REQUEST_ID.match(candidate):
        return candidate
    event = scope.get("aws.event") or {}
    lambda_id = event.get("requestContext", {}).get("requestId") if isinstance(event, dict) else None
    return str(lambda_id) if lambda_id else uuid.uuid4().hex


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", _JSON_CSP.encode()),
    (b"cross-origin-resource-policy", b"same-site"),
    (b"cache-control", b"no-store"),
]
_HSTS = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")


class SecurityHeadersMiddleware(_HTTPMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        https = scope.get("scheme") == "https" or _header(scope, b"x-forwarded-proto") == "https"
        headers = [*SECURITY_HEADERS, _HSTS] if https else SECURITY_HEADERS
        await self.app(scope, receive, _adding_headers(send, headers))


class ErrorMiddleware(_HTTPMiddleware):
    """FolioErrors become their JSON answer; anything else is logged, answered 500 and re-raised."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except FolioError as exc:
            if exc.internal:
                log.warning("answered %d %s: %s", exc.status, exc.code, exc.internal)
            if started:
                raise
            await error_response(exc, request_id(scope))(scope, receive, send)
        except Exception:
            log.exception("unhandled error", extra={"path": scope.get("path")})
            if not started:
                await error_response(FolioError(), request_id(scope))(scope, receive, send)
            raise


class FunctionUrlEventsMiddleware(_HTTPMiddleware):
    """On Lambda, only the events the SAM template deploys folio behind: Function URL requests
    (payload 2.0), whose sourceIp is the TCP peer AWS saw. Mangum also adapts ALB and API Gateway
    REST events, whose client address it takes from X-Forwarded-For as the client wrote it; no
    deployment of folio sends those, so they are refused rather than trusted."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        event = scope.get("aws.event")
        if event is not None and not _is_function_url_event(event):
            raise UnsupportedEvent()
        await self.app(scope, receive, send)


def _is_function_url_event(event: object) -> bool:
    if not isinstance(event, dict) or event.get("version") != "2.0":
        return False
    context = event.get("requestContext")
    return isinstance(context, dict) and isinstance(context.get("http"), dict)


class AccessMiddleware(_HTTPMiddleware):
    """One log line per request, a count by route and status class, and its duration by route.

    Unknown paths count as "other" (bounded labels). The line has the path without its query string,
    the status and the duration: never headers or bodies.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics, paths: frozenset[str]) -> None:
        super().__init__(app)
        self.metrics = metrics
        self.paths = paths

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        status = 500
        started = time.perf_counter()

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            seconds = time.perf_counter() - started
            route = scope["path"] if scope["path"] in self.paths else "other"
            self.metrics.count("requests", route=route, status=f"{status // 100}xx")
            self.metrics.observe("request_seconds", seconds, route=route)
            log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round(seconds * 1000, 1),
                },
            )


class CorsMiddleware(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered in the error shape (Starlette answers a
    text/plain 400 "Disallowed CORS origin"): 403 for an origin not on the list, 400 for a method or
    headers not allowed. The CORS headers Starlette sets stay, Access-Control-Allow-Origin included
    for an allowed origin (a browser hands no preflight answer to the page: the JSON is for whoever
    reads the network log)."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        origin = request_headers["origin"]
        error = CorsRefused() if self.is_allowed_origin(origin) else Forbidden(f"Origin {origin} is not allowed.")
        refusal = error_response(error, request_id_var.get())
        for name, value in response.headers.items():
            if name.startswith("access-control-") or name == "vary":
                refusal.headers[name] = value
        return refusal


class RequestHeadMiddleware(_HTTPMiddleware):
    """Refuse heads folio will not read: both Transfer-Encoding and Content-Length (the server
    frames the body by one, a proxy in front may have framed it by the other: request smuggling),
    and more header bytes than the limit. h11's own limit only bounds a head still incomplete;
    this one counts every head, on Lambda too."""

    def __init__(self, app: ASGIApp, max_header_bytes: int) -> None:
        super().__init__(app)
        self.max_header_bytes = max_header_bytes

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = scope.get("headers", [])
        names = {name for name, _ in headers}
        if b"transfer-encoding" in names and b"content-length" in names:
            raise BadRequest(
                "A request may carry Transfer-Encoding or Content-Length, not both.", headers={"Connection": "close"}
            )
        if sum(len(name) + len(value) + 4 for name, value in headers) > self.max_header_bytes:
            raise HeadersTooLarge(
                f"The request headers are larger than {self.max_header_bytes} bytes.", headers={"Connection": "close"}
            )
        await self.app(scope, receive, send)


class BodyLimitMiddleware(_HTTPMiddleware):
    """Refuse bodies over the limit, counting the bytes actually read (chunked bodies included),
    and bodies that have not all arrived `read_seconds` after the request's head (408)."""

    def __init__(self, app: ASGIApp, max_bytes: int, read_seconds: float) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes
        self.read_seconds = read_seconds

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_large()
        seen, complete = 0, False
        deadline = asyncio.get_running_loop().time() + self.read_seconds

        async def limited_receive() -> Message:
            nonlocal seen, complete
            if complete:  # past the body: a wait for the disconnect is not a slow body
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise RequestTimeout(f"The request body did not arrive within {self.read_seconds:g} seconds.") from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise self._too_large()
                complete = not message.get("more_body", False)
            return message

        await self.app(scope, limited_receive, send)

    def _too_large(self) -> PayloadTooLarge:
        return PayloadTooLarge(f"The request body is larger than {self.max_bytes} bytes.")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def http_exception(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's own 404/405 in our error shape."""
    assert isinstance(exc, HTTPException)
    error: FolioError = {404: NotFound(), 405: MethodNotAllowed()}.get(exc.status_code) or BadRequest(exc.detail)
    response = error_response(error, request_id(request.scope))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def middleware(settings: Settings, metrics: Metrics, paths: frozenset[str]) -> list[Middleware]:
    return [
        Middleware(RequestIdMiddleware),
        Middleware(AccessMiddleware, metrics=metrics, paths=paths),
        Middleware(SecurityHeadersMiddleware),
        Middleware(
            CorsMiddleware,
            allow_origins=settings.allowed_origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["content-type", "x-api-key", "authorization", "x-request-id"],
            expose_headers=["x-request-id", "retry-after", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"],
            max_age=600,
        ),
        Middleware(ErrorMiddleware),
        Middleware(FunctionUrlEventsMiddleware),
        Middleware(RequestHeadMiddleware, max_header_bytes=settings.http_max_header_bytes),
        Middleware(
            BodyLimitMiddleware, max_bytes=settings.max_body_bytes, read_seconds=settings.http_body_timeout_seconds
        ),
    ]


def exception_handlers() -> dict[Any, Any]:
    return {HTTPException: http_exception}
