"""The malformed-event corpus (tests/support/malformed_events.py) through all three Lambda handlers.

GIVEN each function's handler, wired as functions/<name>/handler.py wires it
WHEN every event of the corpus is invoked
THEN each gets a Lambda response: a 400 in the error shape for HTTP-shaped events, a logged
rejection (returned, so not retried) for broken S3 notifications on the ingest function, and
"ignored" for the rest. None raises.
"""

from __future__ import annotations

import importlib
import json
import logging
import re
from typing import TYPE_CHECKING, Any

import pytest

from folio.handlers import lambda_handler
from folio.notifications import ingest_on_s3_notification
from tests.conftest import ROOT
from tests.support.lambdas import body_of, context
from tests.support.malformed_events import CASES, Case, alb_event, rest_api_event

if TYPE_CHECKING:
    from collections.abc import Callable

    from folio.runtime import Runtime
    from folio.settings import Settings

Handler = Any
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_INTERNALS = (str(ROOT), "site-packages", "Traceback", "mangum", "pydantic", "Error", "instance of", "Input should")


def _handler(function: str, settings: Settings, rt: Runtime) -> Handler:
    """As functions/<function>/handler.py builds it, with the test's settings and runtime."""
    app = importlib.import_module(f"functions.{function}.app").create_app(settings, rt)
    return lambda_handler(app, on_event=ingest_on_s3_notification if function == "ingest" else None)


def _problem(function: str, case: Case, response: Any) -> str | None:
    """What is wrong with this answer to this case, or None."""
    if not isinstance(response, dict):
        return f"answered {type(response).__name__}"
    if case.kind == "http":
        return _http_problem(response)
    if case.kind == "notification" and function == "ingest":
        return None if response.get("ok") is False and response.get("rejected") else f"not rejected: {response}"
    return None if response.get("ok") is True and response.get("ignored") else f"not ignored: {response}"


def _http_problem(response: dict[str, Any]) -> str | None:
    if response.get("statusCode") != 400:
        return f"status {response.get('statusCode')}"
    headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
    error = body_of(response)["error"]
    if headers.get("content-type") != "application/json" or error["code"] != "bad_request":
        return f"not the error shape: {response}"
    if not (_SAFE_ID.match(error["request_id"]) and headers.get("x-request-id") == error["request_id"]):
        return f"request id {error['request_id']!r}"
    leaked = [word for word in _INTERNALS if word in response["body"]]
    return f"shows {leaked}: {error['message']}" if leaked else None


@pytest.mark.parametrize("function", ["chat", "health", "ingest"])
def test_every_malformed_event_gets_a_lambda_response(
    function: str,
    make_settings: Callable[..., Settings],
    make_runtime: Callable[[Settings], Runtime],
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert len(CASES) >= 100 and len({case.name for case in CASES}) == len(CASES)
    settings = make_settings()
    handler = _handler(function, settings, make_runtime(settings))
    problems = []
    for case in CASES:
        try:
            response = handler(case.event, context(f"folio-{function}"))
        except Exception as exc:  # the measurement: any exception is a failure of this case
            problems.append(f"{case.name}: raised {type(exc).__name__}")
            continue
        problem = _problem(function, case, response)
        if problem:
            problems.append(f"{case.name}: {problem}")
    assert not problems, f"{len(problems)} of {len(CASES)} events:\n" + "\n".join(problems)
    refused = [r for r in caplog.records if r.getMessage() == "refused a malformed HTTP event"]
    assert len(refused) == sum(case.kind == "http" for case in CASES), "each refusal is logged"
    if function == "ingest":
        rejected = [r for r in caplog.records if r.getMessage() == "rejected a malformed S3 notification"]
        assert len(rejected) == sum(case.kind == "notification" for case in CASES)
        assert all(r.levelno == logging.WARNING for r in rejected)


def test_a_refusal_says_what_is_wrong_and_carries_the_lambda_request_id(
    make_settings: Callable[..., Settings], make_runtime: Callable[[Settings], Runtime]
) -> None:
    settings = make_settings()
    handler = _handler("chat", settings, make_runtime(settings))
    by_name = {case.name: case for case in CASES}

    response = handler(by_name["v2 without sourceIp"].event, context())
    error = body_of(response)["error"]
    assert "requestContext.http.sourceIp" in error["message"]
    assert error["request_id"] == "9f1c2a4e-0b6d-4c1e-9a53-1d2e3f4a5b60", "the event's own request id"

    invocation = context()
    response = handler(by_name["v2 requestId with CRLF"].event, invocation)
    assert body_of(response)["error"]["request_id"] == invocation.aws_request_id, "an unsafe id is not echoed"

    response = handler(by_name["v2 base64 body with symbols"].event, context())
    assert "base64" in body_of(response)["error"]["message"]


def test_well_formed_events_of_undeployed_types_are_refused_in_the_error_shape(
    make_settings: Callable[..., Settings], make_runtime: Callable[[Settings], Runtime]
) -> None:
    """API Gateway REST and ALB events pass the shape checks and are then refused: the template
    deploys Function URLs only (their client address would come from a client-set header)."""
    settings = make_settings()
    handler = _handler("health", settings, make_runtime(settings))
    for event in (rest_api_event(), alb_event(), {**rest_api_event(), "version": "1.0"}):
        response = handler(event, context())
        assert response["statusCode"] == 400, response
        assert json.loads(response["body"])["error"]["code"] == "unsupported_event"
