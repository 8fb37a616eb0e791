"""JSON logs carrying the request id of the request being served."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
# On Lambda, per invocation: function name, cold start, the invocation's request id.
lambda_fields_var: contextvars.ContextVar[dict[str, object] | None] = contextvars.ContextVar(
    "lambda_fields", default=None
)

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def _stamping(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    """Stamp each record, when it is made, with the request id and Lambda invocation fields."""

    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        record.request_id = request_id_var.get()
        for key, value in (lambda_fields_var.get() or {}).items():
            setattr(record, key, value)
        return record

    make.folio_stamping = True  # type: ignore[attr-defined]
    return make


def configure_logging(level: str = "INFO") -> None:
    """JSON logs through the root logger. Idempotent.

    When something already handles the root logger (the Lambda runtime client installs its own
    handler, which feeds CloudWatch), that handler gets the JSON format instead of a second handler
    being added: otherwise every line would be logged twice.
    """
    if not getattr(logging.getLogRecordFactory(), "folio_stamping", False):
        logging.setLogRecordFactory(_stamping(logging.getLogRecordFactory()))
    root = logging.getLogger()
    if root.handlers:
        for handler in root.handlers:
            if not isinstance(handler.formatter, JsonFormatter):
                handler.setFormatter(JsonFormatter())
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    root.setLevel(level)
