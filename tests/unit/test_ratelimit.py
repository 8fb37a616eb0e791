from __future__ import annotations

import asyncio

import pytest

from folio.errors import RateLimited
from folio.ratelimit import Limits, Unlimited
from folio.settings import Settings
from folio.store.memory import memory_store


def _limits(env: str, **overrides: object) -> Limits:
    settings = Settings(_env_file=None, env=env, ip_burst_per_minute=1, **overrides)  # type: ignore[arg-type]
    return Limits(memory_store(), settings)


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
def test_development_does_not_limit_loopback(address: str) -> None:
    limits = _limits("development").for_client(address)
    assert isinstance(limits, Unlimited)
    decisions = [asyncio.run(limits.hit("ip_burst", address)) for _ in range(3)]
    assert [d.remaining for d in decisions] == [1, 1, 1]
    assert decisions[0].headers() == {"RateLimit-Limit": "1", "RateLimit-Remaining": "1", "RateLimit-Reset": "60"}


@pytest.mark.parametrize("address", ["203.0.113.9", "::ffff:203.0.113.9", "10.0.0.1", "unknown", ""])
def test_development_limits_every_other_address(address: str) -> None:
    limits = _limits("development")
    assert limits.for_client(address) is limits


@pytest.mark.parametrize(("env", "overrides"), [("test", {}), ("development", {"dev_loopback_unlimited": False})])
def test_loopback_is_limited_outside_development_or_when_turned_off(env: str, overrides: dict[str, object]) -> None:
    limits = _limits(env, **overrides)
    assert limits.for_client("127.0.0.1") is limits

    async def twice() -> None:
        await limits.hit("ip_burst", "127.0.0.1")
        await limits.hit("ip_burst", "127.0.0.1")

    with pytest.raises(RateLimited):
        asyncio.run(twice())
