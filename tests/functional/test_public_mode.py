"""Public mode and local use: production without API keys behind an Origin allowlist, and a
developer's own machine that is never locked out, over real HTTP and the Lambda handler."""

from __future__ import annotations

from typing import Any

from tests.conftest import ADMIN_KEY
from tests.support.lambdas import body_of, load_event

Serve = Any
ORIGIN = "https://maya.example.dev"
PRODUCTION = {"env": "production", "allowed_origins": [ORIGIN], "admin_key": ADMIN_KEY, "session_secret": "s" * 40}
Q = "What is the capital of Australia?"


def _statuses(client: Any, n: int, **headers: str) -> list[int]:
    return [client.post("/api/chat", json={"message": Q}, headers=headers).status_code for _ in range(n)]


def test_production_without_api_keys_serves_the_allowed_origin_only(serve: Serve) -> None:
    # GIVEN production in public mode: no FOLIO_API_KEYS, one allowed origin
    client = serve(**PRODUCTION)
    # WHEN the site's page and another site's page ask without a key
    allowed = client.post("/api/chat", json={"message": Q}, headers={"origin": ORIGIN})
    other = client.post("/api/chat", json={"message": Q}, headers={"origin": "https://evil.example"})
    # THEN the site is answered (with CORS) and the other origin refused
    assert allowed.status_code == 200, allowed.text
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    assert other.status_code == 403 and other.json()["error"]["code"] == "forbidden"


def test_production_without_api_keys_on_lambda(invoke: Any) -> None:
    handler = invoke("chat", **PRODUCTION)
    answered = handler(load_event("chat.json"))
    assert answered["statusCode"] == 200 and body_of(answered)["session_id"].startswith("s1")
    refused = handler(load_event("chat.json", headers={"origin": "https://evil.example"}))
    assert refused["statusCode"] == 403


def test_development_never_locks_out_a_loopback_client(serve: Serve) -> None:
    # GIVEN the development defaults (3 new sessions per address, 10 questions a minute)
    client = serve(env="development")
    # WHEN 127.0.0.1 asks 50 times without a session_id
    statuses = _statuses(client, 50)
    # THEN every question is answered
    assert statuses == [200] * 50


def test_development_still_limits_a_client_behind_the_trusted_proxy(serve: Serve) -> None:
    client = serve(env="development", trusted_proxies=["127.0.0.1/32"])
    statuses = _statuses(client, 5, **{"x-forwarded-for": "203.0.113.9"})
    assert statuses == [200, 200, 200, 429, 429], "the 4th new session from one address is refused"
    assert _statuses(client, 1) == [200], "the developer's own loopback requests stay unlimited"


def test_development_still_limits_a_function_url_source_ip(invoke: Any) -> None:
    handler = invoke("chat", env="development")
    statuses = [handler(load_event("chat.json"))["statusCode"] for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_the_relaxation_can_be_turned_off_in_development(serve: Serve) -> None:
    client = serve(env="development", dev_loopback_unlimited=False)
    assert _statuses(client, 5) == [200, 200, 200, 429, 429]


def test_production_gives_loopback_no_relaxation(serve: Serve) -> None:
    client = serve(**PRODUCTION)
    statuses = _statuses(client, 5)
    assert statuses == [200, 200, 200, 429, 429]
