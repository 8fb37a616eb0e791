"""Drive a function's Lambda handler with the committed Function URL events."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from folio.cli import LambdaContext

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
