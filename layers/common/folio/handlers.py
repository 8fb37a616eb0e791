"""Lambda entry: Mangum for HTTP events, a plain answer for anything else (warm-up pings)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mangum import Mangum

from folio.logs import lambda_fields_var
from folio.metrics import EmfMetrics

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from folio.runtime import Runtime

log = logging.getLogger(__name__)

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]
# What a function does with an event that is not an HTTP request (an S3 notification, say).
EventHandler = Callable[[dict[str, Any], "Runtime"], dict[str, Any]]


def is_http_event(event: object) -> bool:
    if not isinstance(event, dict):
        return False
    context = event.get("requestContext")
    return ("httpMethod" in event) or (isinstance(context, dict) and "http" in context)


def lambda_handler(app: Starlette, on_event: EventHandler | None = None) -> LambdaHandler:
    """Mangum around the app, after loading everything heavy during the Lambda init phase."""
    app.state.runtime.try_warm()
    # lifespan="off": Mangum would run startup and shutdown on every invocation.
    adapter = Mangum(app, lifespan="off")
    invocations = 0

    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        nonlocal invocations
        cold_start = invocations == 0
        invocations += 1
        token = lambda_fields_var.set(
            {
                "function_name": getattr(context, "function_name", None),
                "function_request_id": getattr(context, "aws_request_id", None),
                "cold_start": cold_start,
            }
        )
        try:
            if is_http_event(event):
                return adapter(event, context)
            if on_event is not None and isinstance(event, dict):
                return on_event(event, app.state.runtime)
            log.info("ignored a non-HTTP event", extra={"keys": sorted(event)[:10] if isinstance(event, dict) else []})
            return {"ok": True, "ignored": "not an HTTP event"}
        finally:
            metrics = app.state.runtime.metrics
            if isinstance(metrics, EmfMetrics):
                metrics.flush(cold_start=cold_start)
            lambda_fields_var.reset(token)

    return handle
