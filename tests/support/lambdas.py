"""Drive a function's Lambda handler with the committed Function URL events."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from folio.cli import LambdaContext

if TYPE_CHECKING:
    from folio.handlers import LambdaHandler

EVENTS = Path(__file__).resolve().parents[2] / "events"


def load_event(name: str, **changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / name).read_text())
    headers = changes.pop("headers", None)
    if headers:
        event["headers"] = {**event["headers"], **headers}
    event.update(changes)
    return event


def body_of(response: dict[str, Any]) -> Any:
    raw = response.get("body", "")
    if response.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode()
    return json.loads(raw) if raw else None


def context(name: str = "folio-test") -> LambdaContext:
    return LambdaContext(name)


def streamed(handler: LambdaHandler, event: dict[str, Any]) -> dict[str, Any]:
    """An event answered as a RESPONSE_STREAM Function URL has it answered: through folio's Runtime
    API loop and the fake Runtime API, which checks the protocol; read back in the shape of a Lambda
    HTTP response (statusCode, headers, body), or the whole answer to a non-HTTP event."""
    from folio.runtime_api import FunctionConfig, RuntimeApi, answer
    from tests.fakes.lambda_runtime import FakeLambdaRuntime

    with FakeLambdaRuntime() as fake:
        request_id = fake.invoke(event)
        api = RuntimeApi(fake.address)
        try:
            answer(api, api.next(), handler, FunctionConfig.from_environ({}), {})
        finally:
            api.close()
        outcome = fake.outcome(request_id, timeout=60)
    if outcome.streamed is None:
        whole: dict[str, Any] = outcome.body
        return whole
    assert outcome.streamed.problems == [], outcome.streamed.problems
    return {"statusCode": outcome.streamed.status, "headers": outcome.streamed.headers, "body": outcome.streamed.text()}
