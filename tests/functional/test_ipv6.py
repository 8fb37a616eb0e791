"""IPv6 clients on a real redis-server: one /64 is one client for every per-client limit, whatever
spelling the address arrives in, and one client holds only its share of the live sessions (#10
item 2). Over HTTP through a trusted proxy, on ::1 and on a dual-stack socket, and through the
Lambda handler with Function URL events whose sourceIp varies."""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from folio.cli import combined_app
from folio.server import server_options
from tests.support.lambdas import body_of, load_event
from tests.support.redis import RedisServer
from tests.support.servers import UvicornServer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from folio.runtime import Runtime
    from folio.settings import Settings

Q = "What grade did she get in Database Internals?"
LOOSE = {"ip_burst_per_minute": 1000, "ip_questions_per_hour": 1000, "session_questions_per_hour": 1000}


def _in_prefix(prefix: str, n: int) -> str:
    """The n-th address of a /64 (`2001:db8:1:2`), in a different spelling each time."""
    spellings = [
        f"{prefix}::{n:x}",
        f"{prefix.upper()}:0:0:{n:x}:1",
        f"{prefix}:{n:04x}:0000:0000:00ff",
        f"{prefix}:0:{n:x}::%eth0",
        f"[{prefix}:{n:x}::2]:443",
    ]
    return spellings[n % len(spellings)]


@pytest.fixture
def redis_url() -> Iterator[str]:
    with RedisServer() as redis:
        yield redis.url


@pytest.fixture
def serve_on(
    make_settings: Callable[..., Settings], make_runtime: Callable[[Settings], Runtime], redis_url: str
) -> Callable[..., Any]:
    @contextmanager
    def start(host: str = "127.0.0.1", **overrides: Any) -> Iterator[str]:
        # These tests count what a client is allowed, not how a slow store is survived: a 5 s
        # timeout keeps a loaded CI machine's stall from failing over to memory (a fresh allowance).
        options = {"store_timeout_seconds": 5.0} | overrides
        settings = make_settings(redis_url=redis_url, store_prefix=f"t{uuid.uuid4().hex[:10]}", **options)
        app = combined_app(settings, make_runtime(settings))
        with UvicornServer(app, host=host, options=server_options(settings)) as server:
            yield server.url

    return start


def _burst(base_url: str, requests: list[tuple[dict[str, Any], dict[str, str]]]) -> list[int]:
    """All the requests at once, each on its own connection: (body, headers) each."""

    async def run() -> list[int]:
        limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=120) as client:
            responses = await asyncio.gather(
                *(client.post("/api/chat", json=body, headers=headers) for body, headers in requests)
            )
        return [r.status_code for r in responses]

    return asyncio.run(run())


def _from(address: str, session_id: str | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    body: dict[str, Any] = {"message": Q} | ({"session_id": session_id} if session_id else {})
    return body, {"x-forwarded-for": f"198.51.100.250, {address}"}


# Per-address question limits are shown with the hourly rule: its window is an hour, so a test is
# unlikely to straddle two windows (the sliding window weighs the previous one in).
PER_HOUR_10 = {"ip_burst_per_minute": 1000, "ip_questions_per_hour": 10, "session_questions_per_hour": 1000}


def test_forty_questions_rotating_through_one_slash64_get_the_per_address_ten(serve_on: Any) -> None:
    """Was 40 of 40: each full address had its own allowance."""
    with serve_on(trusted_proxies=["127.0.0.1/32"], **PER_HOUR_10) as url:
        first = httpx.post(f"{url}/api/chat", json=_from("2001:db8:1:2::1")[0], headers=_from("2001:db8:1:2::1")[1])
        session = first.json()["session_id"]
        statuses = _burst(url, [_from(_in_prefix("2001:db8:1:2", n), session) for n in range(40)])
        assert statuses.count(200) == 9 and statuses.count(429) == 31, statuses
        body, headers = _from("2001:db8:1:3::1")
        assert httpx.post(f"{url}/api/chat", json=body, headers=headers).status_code == 200, "the next /64 is another"


def test_a_hundred_new_sessions_at_once_from_one_slash64_get_three(serve_on: Any) -> None:
    with serve_on(trusted_proxies=["127.0.0.1/32"], max_live_sessions=100, **LOOSE) as url:
        statuses = _burst(url, [_from(_in_prefix("2001:db8:aa:1", n)) for n in range(100)])
        assert statuses.count(200) == 3 and statuses.count(429) == 97, statuses


def test_one_slash64_cannot_fill_the_live_session_cap(serve_on: Any) -> None:
    """The issue's case: FOLIO_MAX_LIVE_SESSIONS=20, and 25 requests from one /64 took all 20 and
    locked everyone else out for 6 hours. One client now holds at most its share: 0.1 of 20."""
    with serve_on(trusted_proxies=["127.0.0.1/32"], max_live_sessions=20, ip_sessions_per_window=1000, **LOOSE) as url:
        statuses = _burst(url, [_from(_in_prefix("2001:db8:bb:1", n)) for n in range(100)])
        assert statuses.count(200) == 2 and statuses.count(429) == 98, statuses
        others = [_from(f"2001:db8:bb:{n}::1") for n in range(2, 6)] + [_from("203.0.113.7")]
        assert _burst(url, others) == [200] * 5, "everyone else still gets a conversation"
        refused = httpx.post(
            f"{url}/api/chat", json=_from("2001:db8:bb:1::99")[0], headers=_from("2001:db8:bb:1::99")[1]
        )
        assert refused.status_code == 429 and "open conversations" in refused.json()["error"]["message"]


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback (::1) on this machine")
def test_over_ipv6_loopback_the_peer_and_a_trusted_proxys_hops_are_keyed_by_prefix(serve_on: Any) -> None:
    with serve_on(host="::1", ip_questions_per_hour=3, ip_sessions_per_window=1000) as url:
        spoofed = [
            httpx.post(f"{url}/api/chat", json={"message": Q}, headers={"x-forwarded-for": f"2001:db8::{n}"})
            for n in range(4)
        ]
        assert [r.status_code for r in spoofed] == [200, 200, 200, 429], (
            "::1 is not trusted: its header is not believed"
        )
    proxied = {"trusted_proxies": ["::1/128"], "ip_questions_per_hour": 3, "ip_sessions_per_window": 1000}
    with serve_on(host="::1", **proxied) as url:
        statuses = [
            httpx.post(
                f"{url}/api/chat", json={"message": Q}, headers={"x-forwarded-for": _in_prefix("2001:db8:9:9", n)}
            ).status_code
            for n in range(10)
        ]
        assert statuses == [200] * 3 + [429] * 7


def test_a_dual_stack_socket_still_recognises_the_ipv4_proxy(serve_on: Any) -> None:
    """An IPv6 socket that accepts IPv4 shows the proxy at 127.0.0.1 as ::ffff:127.0.0.1."""
    with serve_on(
        host="::ffff:127.0.0.1", trusted_proxies=["127.0.0.1/32"], ip_questions_per_hour=2, ip_sessions_per_window=1000
    ) as url:
        statuses = {
            client: [
                httpx.post(f"{url}/api/chat", json={"message": Q}, headers={"x-forwarded-for": client}).status_code
                for _ in range(3)
            ]
            for client in ("198.51.100.1", "198.51.100.2")
        }
        assert statuses == {"198.51.100.1": [200, 200, 429], "198.51.100.2": [200, 200, 429]}


def _event(source_ip: str, session_id: str | None = None) -> dict[str, Any]:
    body = json.dumps({"message": Q} | ({"session_id": session_id} if session_id else {}))
    event = load_event("chat.json", body=body, headers={"content-length": str(len(body))})
    event["requestContext"]["http"]["sourceIp"] = source_ip
    return event


def test_on_lambda_a_rotating_source_ip_in_one_slash64_is_one_client(invoke: Any, redis_url: str) -> None:
    handler = invoke("chat", redis_url=redis_url, max_live_sessions=20, **PER_HOUR_10)
    first = handler(_event("2001:db8:5:6::1"))
    session = body_of(first)["session_id"]
    statuses = [handler(_event(_in_prefix("2001:db8:5:6", n), session))["statusCode"] for n in range(40)]
    assert statuses == [200] * 9 + [429] * 31
    new = [handler(_event(_in_prefix("2001:db8:7:8", n)))["statusCode"] for n in range(25)]
    assert new == [200, 200] + [429] * 23, "one /64 holds 2 of the 20 live sessions"
    mapped = [
        handler(_event(spelling))["statusCode"]
        for spelling in ("203.0.113.5", "::ffff:203.0.113.5", "::FFFF:CB00:7105")
    ]
    assert mapped == [200, 200, 429], "::ffff:a.b.c.d is the IPv4 address: its allowance of 2 sessions"
