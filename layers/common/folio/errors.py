"""The one error tree. Each HTTP-facing error knows its status and stable code."""

from __future__ import annotations

from typing import Any


class FolioError(Exception):
    """`message` is answered to the client: it names the problem, never a path or a library's words.
    `internal` is what the operator needs to fix it (the location, the library's error): it goes to
    the log with the request id, and to the terminal for the command line, never into a response."""

    status = 500
    code = "internal_error"
    message = "Something went wrong on our side."

    def __init__(
        self,
        message: str | None = None,
        *,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        internal: str | None = None,
    ) -> None:
        self.message = message or self.message
        self.details = details
        self.headers = headers or {}
        self.internal = internal
        super().__init__(self.message)


class ConfigError(FolioError):
    """Settings are missing or invalid; raised at start-up, never per request."""

    code = "config_error"


class BadRequest(FolioError):
    status = 400
    code = "bad_request"
    message = "The request could not be understood."


class UnsupportedEvent(BadRequest):
    """A Lambda event of a type folio is not deployed behind (an ALB's, API Gateway REST's)."""

    code = "unsupported_event"
    message = "This function answers Lambda Function URL requests (payload 2.0) only."


class Unauthorized(FolioError):
    status = 401
    code = "unauthorized"
    message = "A valid API key is required."


class InvalidSession(Unauthorized):
    code = "invalid_session"
    message = (
        "This session id was not issued by this server or was altered. "
        "Start a new conversation by sending no session_id."
    )


class SessionExpired(Unauthorized):
    code = "session_expired"
    message = "This conversation has expired. Start a new one by sending no session_id."


class Forbidden(FolioError):
    status = 403
    code = "forbidden"
    message = "This origin is not allowed."


class CorsRefused(BadRequest):
    code = "cors_refused"
    message = "This cross-origin request asks for a method or headers the API does not allow."


class NotFound(FolioError):
    status = 404
    code = "not_found"
    message = "No such route."


class UnknownAnswer(NotFound):
    code = "unknown_answer"
    message = "This answer_id was not given by this server in this conversation."


class MethodNotAllowed(FolioError):
    status = 405
    code = "method_not_allowed"
    message = "This method is not allowed on this route."


class RequestTimeout(FolioError):
    """The client sent its request too slowly; the connection cannot be reused (the rest of the
    request may still be on its way), so it is closed after the answer."""

    status = 408
    code = "request_timeout"
    message = "The request did not arrive in time."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, headers={"Connection": "close"})


class PayloadTooLarge(FolioError):
    status = 413
    code = "payload_too_large"
    message = "The request body is too large."


class HeadersTooLarge(FolioError):
    status = 431
    code = "headers_too_large"
    message = "The request headers are too large."


class UnsupportedMediaType(FolioError):
    status = 415
    code = "unsupported_media_type"
    message = "Send the body as application/json."


class ValidationFailed(FolioError):
    status = 422
    code = "validation_error"
    message = "The request body is not valid."


class RateLimited(FolioError):
    status = 429
    code = "rate_limited"
    message = "Too many requests."


class Unavailable(FolioError):
    status = 503
    code = "unavailable"
    message = "The service is not ready yet."


class Busy(Unavailable):
    """Every connection to the shared store is in use for longer than a visitor should wait:
    back-pressure, answered as such, never as a reason to count limits somewhere else."""

    code = "busy"
    message = "Too many questions at once right now; please try again in a moment."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, headers={"Retry-After": "1"})


class ProviderError(Exception):
    """An LLM provider failed; the chain moves on to the next one. Never reaches HTTP.

    `retry_after`: the seconds a 429's Retry-After asked for, when it said.
    """

    def __init__(self, provider: str, reason: str, *, retry_after: float | None = None) -> None:
        self.provider = provider
        self.reason = reason
        self.retry_after = retry_after
        super().__init__(f"{provider}: {reason}")


class IngestError(FolioError):
    """One document could not be read; the ingest reports it and skips the file."""

    status = 422
    code = "ingest_error"
