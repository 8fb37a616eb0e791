"""Lambda entry: Mangum for HTTP events, a plain answer for anything else (warm-up pings)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.logging import correlation_paths
from mangum import Mangum

from folio.logs import powertools_logger
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
                return adapter(event, context)
            if on_event is not None and isinstance(event, dict):
                return on_event(event, runtime)
            log.info("ignored a non-HTTP event", extra={"keys": sorted(event)[:10] if isinstance(event, dict) else []})
            return {"ok": True, "ignored": "not an HTTP event"}
        finally:
            if isinstance(runtime.metrics, EmfMetrics):
                runtime.metrics.flush(cold_start=logger.get_current_keys().get("cold_start") is True)

    return handle
