"""FOLIO_LOG_LEVEL is folio's level; other libraries follow FOLIO_LOG_LIBRARY_LEVEL (#10 item 19)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

from folio.settings import Settings
from functions.health.app import create_app

if TYPE_CHECKING:
    from collections.abc import Iterator

LIBRARIES = ["groq", "openai", "httpx", "httpcore", "botocore", "boto3", "urllib3", "lancedb", "mangum"]


@pytest.fixture(autouse=True)
def _restore_levels() -> Iterator[None]:
    saved = {name: logging.getLogger(name).level for name in ["", "folio", *LIBRARIES]}
    yield
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


def _levels(**settings: str) -> tuple[bool, list[str]]:
    create_app(Settings(_env_file=None, **settings))  # type: ignore[arg-type]
    debugging = [name for name in LIBRARIES if logging.getLogger(name).isEnabledFor(logging.DEBUG)]
    return logging.getLogger("folio.llm").isEnabledFor(logging.DEBUG), debugging


def test_at_debug_only_folio_logs_debug() -> None:
    assert _levels(log_level="DEBUG") == (True, [])
    assert not logging.getLogger("groq").isEnabledFor(logging.INFO), "WARNING and above only"


def test_other_libraries_log_debug_when_asked_for() -> None:
    assert _levels(log_level="INFO", log_library_level="DEBUG") == (False, LIBRARIES)
