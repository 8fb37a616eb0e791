"""Lambda entry: Mangum for well-formed HTTP events, a 400 for malformed ones, a plain answer for
anything else (warm-up pings, notifications the function does not take)."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.logging import correlation_paths
from mangum import Mangum

from folio.errors import BadRequest
from folio.events import check_http_event, is_http_event
from folio.http import lambda_error_response
from folio.logs import powertools_logger, request_id_var
from folio.metrics import EmfMetrics

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from folio.runtime import Runtime

log = logging.getLogger(__name__)

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]
# What a function does with an event that is not an HTTP request (an S3 notification, say).
EventHandler = Callable[[dict[str, Any], "Runtime"], dict[str, Any]]
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def lambda_handler(app: Starlette, on_event: EventHandler | None = None) -> LambdaHandler:
    """Mangum around the app, after loading everything heavy during the Lambda init phase.

    Logs go through a Powertools Logger: each invocation's lines carry cold_start, the function's
    name and request id, and the Function URL request id as correlation_id. Its cold-start flag
    (first invocation of the process, never under provisioned concurrency) also counts EMF cold starts.
    """
    runtime = app.state.runtime
    logger = powertools_logger(runtime.settings.log_level)
    runtime.try_warm()
    # lifespan="off": Mangum would run startup and shutdown on every invocation. Its own access
    # line is quietened: the app logs each request, with the request id.
    adapter = Mangum(app, lifespan="off")
    logging.getLogger("mangum.http").setLevel(logging.WARNING)

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.LAMBDA_FUNCTION_URL, clear_state=True)
    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        try:
            if is_http_event(event):
                return _serve(adapter, event, context, runtime)
            if on_event is not None and isinstance(event, dict):
                return on_event(event, runtime)
            log.info("ignored a non-HTTP event", extra={"keys": sorted(event)[:10] if isinstance(event, dict) else []})
            return {"ok": True, "ignored": "not an HTTP event"}
        finally:
            if isinstance(runtime.metrics, EmfMetrics):
                runtime.metrics.flush(cold_start=logger.get_current_keys().get("cold_start") is True)

    return handle


def _serve(adapter: Mangum, event: dict[str, Any], context: Any, runtime: Runtime) -> dict[str, Any]:
    try:
        check_http_event(event)
    except BadRequest as exc:
        rid = _request_id(event, context)
        token = request_id_var.set(rid)
        try:
            log.warning("refused a malformed HTTP event", extra={"problem": exc.message})
        finally:
            request_id_var.reset(token)
        runtime.metrics.count("requests", route="other", status="4xx")
        return lambda_error_response(exc, rid)
    return adapter(event, context)


def _request_id(event: dict[str, Any], context: Any) -> str:
    """The event's request id when it is a safe one, else the invocation's."""
    request_context = event.get("requestContext")
    candidate = request_context.get("requestId") if isinstance(request_context, dict) else None
    if isinstance(candidate, str) and _SAFE_REQUEST_ID.match(candidate):
        return candidate
    invocation = getattr(context, "aws_request_id", None)
    return invocation if isinstance(invocation, str) and _SAFE_REQUEST_ID.match(invocation) else uuid.uuid4().hex
