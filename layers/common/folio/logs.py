"""JSON logs carrying the request id of the request being served.

Under uvicorn every record goes through `JsonFormatter` on one stderr handler. On Lambda the `folio`
logger is a Powertools Logger instead (`powertools_logger`): the same records, in its JSON, with the
invocation's keys (cold_start, function_*, correlation_id) added by `inject_lambda_context`.

`FOLIO_LOG_LEVEL` is folio's own level. Every other library (groq, httpx, httpcore, openai,
botocore, urllib3, lancedb...) logs through the root logger's level, which is
`FOLIO_LOG_LIBRARY_LEVEL` (WARNING): at DEBUG the groq SDK logs each request's whole prompt.
uvicorn sets its own loggers' levels from `log_level` (folio serve passes FOLIO_LOG_LEVEL).
"""

from __future__ import annotations

import contextvars
import functools
import json
import logging
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from collections.abc import Callable

    from aws_lambda_powertools import Logger

# The Powertools service name, in logs and metrics alike; also the package logger's name.
SERVICE = "folio"

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# Record attributes that are not extra fields; color_message is uvicorn's copy of the message with
# terminal colour codes.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "color_message"}


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


class StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is at the time of the record, not at the time it was made."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> TextIO:  # type: ignore[override]
        return sys.stderr


def _stamping(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    """Stamp each record, when it is made, with the id of the request being served."""

    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        record.request_id = request_id_var.get()
        return record

    make.folio_stamping = True  # type: ignore[attr-defined]
    return make


def configure_logging(level: str, *, on_lambda: bool, library_level: str = "WARNING") -> None:
    """Send every record out as one JSON line: Powertools' on Lambda, folio's elsewhere. Idempotent.

    `level` is folio's; `library_level` every other library's (through the root logger)."""
    if not getattr(logging.getLogRecordFactory(), "folio_stamping", False):
        logging.setLogRecordFactory(_stamping(logging.getLogRecordFactory()))
    root = logging.getLogger()
    root.setLevel(library_level)
    if on_lambda:
        powertools_logger(level)
        return
    # The root logger's handler, so that uvicorn's records (it is run without a logging config)
    # come out alike.
    json_root_logging()
    logging.getLogger(SERVICE).setLevel(level)


def json_root_logging() -> None:
    """Give the root logger folio's JSON handler on stderr, once: under uvicorn, and on Lambda when
    folio's own Runtime API loop stands in for awslambdaric (which installs a handler of its own)."""
    root = logging.getLogger()
    if not any(isinstance(handler, StderrHandler) for handler in root.handlers):
        handler = StderrHandler()
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)


def powertools_logger(level: str) -> Logger:
    """The `folio` logger as a Powertools Logger; made once per process, then shared.

    Every `folio.*` record leaves through its handler (stderr, which Lambda sends to CloudWatch as
    it does stdout) and Powertools filters them out of the root handlers. Those stay as the Lambda
    runtime client set them up: its handler frames each record for CloudWatch and expects its own
    formatter's output, so records of other libraries keep the runtime's format.
    """
    logger = _powertools_logger()
    logger.setLevel(level)
    return logger


@functools.cache
def _powertools_logger() -> Logger:
    from aws_lambda_powertools import Logger

    return Logger(service=SERVICE, logger_handler=StderrHandler())
