"""The compose stack's Redis: what the protection work relies on, checked on the file itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

COMPOSE = Path(__file__).resolve().parents[2] / "infra" / "compose-local.yml"


def _redis() -> dict[str, Any]:
    service: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())["services"]["redis"]
    return service


def _flag(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_redis_requires_a_password_from_the_environment() -> None:
    command = _redis()["command"]
    assert _flag(command, "--requirepass").startswith("${REDIS_PASSWORD:?")


def test_redis_persists_and_never_evicts_sessions_or_counters() -> None:
    command = _redis()["command"]
    assert _flag(command, "--appendonly") == "yes"
    assert _flag(command, "--maxmemory-policy") == "noeviction"
    assert _flag(command, "--maxmemory").endswith("mb")


def test_redis_is_internal_only_with_a_healthcheck() -> None:
    redis = _redis()
    assert "ports" not in redis
    assert redis["healthcheck"]["test"]
    networks = yaml.safe_load(COMPOSE.read_text())["networks"]
    assert all(networks[name].get("internal") for name in redis["networks"])
