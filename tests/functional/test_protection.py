"""Abuse and cost protection over real HTTP and the Lambda handler: limits that bind, signed
sessions, the answer cache, the owner's budget, and Redis going away and coming back."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

import httpx
import redis as redis_client

from tests.conftest import ADMIN_KEY
from tests.support.lambdas import body_of, load_event
from tests.support.redis import RedisServer

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tests.fakes.llm_server import FakeLLM

Serve = Any
Q = "What grade did she get in Database Internals?"
LOOSE = {"ip_burst_per_minute": 1000, "ip_questions_per_hour": 1000}


def _with_groq(fake_llm: FakeLLM, **settings: Any) -> dict[str, Any]:
    """Loose per-address limits and Groq pointed at the local fake, plus `settings`."""
    return {**LOOSE, "groq_api_key": "gsk_fake_key_for_tests", "groq_base_url": fake_llm.url, **settings}


def _ask(client: httpx.Client, message: str = Q, session_id: str | None = None, **headers: str) -> httpx.Response:
    body: dict[str, Any] = {"message": message}
    if session_id:
        body["session_id"] = session_id
    return client.post("/api/chat", json=body, headers=headers)


def _assert_429(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 429, response.text
    error: dict[str, Any] = response.json()["error"]
    assert (error["code"] == "rate_limited" and "come back" in error["message"]) or "wait" in error["message"]
    assert int(response.headers["retry-after"]) >= 1
    assert response.headers["ratelimit-remaining"] == "0"
    assert int(response.headers["ratelimit-limit"]) >= 1
    return error


def test_the_21st_question_of_a_session_is_refused(serve: Serve) -> None:
    client = serve(**LOOSE)
    first = _ask(client)
    session = first.json()["session_id"]
    assert first.headers["ratelimit-limit"] == "20" and first.headers["ratelimit-remaining"] == "19"
    for _ in range(19):
        assert _ask(client, session_id=session).status_code == 200
    error = _assert_429(_ask(client, session_id=session))
    assert "conversation" in error["message"]


def test_dropping_or_rotating_session_ids_is_still_limited(serve: Serve) -> None:
    client = serve(**LOOSE)
    sessions = {_ask(client).json()["session_id"] for _ in range(3)}
    assert len(sessions) == 3
    error = _assert_429(_ask(client))
    assert "new conversations" in error["message"]


def test_forged_tampered_and_expired_session_ids_are_refused(serve: Serve) -> None:
    client = serve(**LOOSE)
    real = _ask(client).json()["session_id"]
    tampered = real[:-1] + ("A" if real[-1] != "A" else "B")
    for fake in ("s1" + "x" * 45, tampered, "not-ours", real[:20]):
        response = _ask(client, session_id=fake)
        assert response.status_code == 401, fake
        assert response.json()["error"]["code"] == "invalid_session"
    other_server = serve(**LOOSE, session_secret="another-secret-of-32-characters-xx")
    assert _ask(other_server, session_id=real).json()["error"]["code"] == "invalid_session"
    short_lived = serve(**LOOSE, session_ttl_seconds=60)
    from folio.sessions import SessionIds

    stale = SessionIds(b"k" * 32, 60).issue(now=0)
    expired = serve(**LOOSE, session_secret="k" * 32)
    assert _ask(expired, session_id=stale).json()["error"]["code"] == "session_expired"
    assert _ask(short_lived).status_code == 200


def test_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(serve: Serve) -> None:
    client = serve(ip_burst_per_minute=3)
    for n in range(3):
        assert _ask(client, **{"x-forwarded-for": f"198.51.100.{n}"}).status_code in (200,)
    _assert_429(_ask(client, **{"x-forwarded-for": "198.51.100.99"}))


def test_forwarded_for_from_a_trusted_proxy_is_used(serve: Serve) -> None:
    client = serve(ip_burst_per_minute=2, trusted_proxies=["127.0.0.1/32"])
    for n in range(4):
        # Right-most untrusted hop counts; a client-supplied left part cannot change it.
        headers = {"x-forwarded-for": f"10.9.9.9, 203.0.113.{n}"}
        assert _ask(client, **headers).status_code == 200
    _ask(client, **{"x-forwarded-for": "203.0.113.50"})
    _ask(client, **{"x-forwarded-for": "203.0.113.50"})
    _assert_429(_ask(client, **{"x-forwarded-for": "1.2.3.4, 203.0.113.50"}))


def test_one_address_cannot_use_up_the_global_session_capacity(serve: Serve) -> None:
    # The share cap is lifted here, so that the per-address rule is what holds (test_ipv6 has the share).
    client = serve(
        **LOOSE, max_live_sessions=4, ip_sessions_per_window=2, client_session_share=1, trusted_proxies=["127.0.0.1/32"]
    )
    attacker = {"x-forwarded-for": "203.0.113.66"}
    statuses = [_ask(client, **attacker).status_code for _ in range(6)]
    assert statuses == [200, 200, 429, 429, 429, 429]
    others = [_ask(client, **{"x-forwarded-for": f"198.51.100.{n}"}).status_code for n in range(2)]
    assert others == [200, 200], "the capacity the attacker could not take is still there for others"
    error = _assert_429(_ask(client, **{"x-forwarded-for": "198.51.100.77"}))
    assert "too many people" in error["message"]


def test_repeated_first_question_is_served_from_the_cache(serve: Serve, fake_llm: FakeLLM) -> None:
    client = serve(**_with_groq(fake_llm))
    fake_llm.reply_text = "An A- [1]."
    first = _ask(client).json()
    assert first["cached"] is False and first["provider"] == "groq"
    calls = fake_llm.calls
    second = _ask(client, message="  what GRADE did she get in database internals ").json()
    assert second["cached"] is True and fake_llm.calls == calls, "no LLM call for a cached answer"
    assert second["answer"] == first["answer"] and second["sources"] == first["sources"]
    assert second["session_id"] != first["session_id"] and second["request_id"] != first["request_id"]
    follow_up = _ask(client, message=Q, session_id=first["session_id"]).json()
    assert follow_up["cached"] is False, "only first turns are cached: a follow-up depends on its history"


def test_a_new_ingest_invalidates_cached_answers(serve: Serve, fake_llm: FakeLLM, docs: Path, tmp_path: Path) -> None:
    client = serve(**_with_groq(fake_llm, admin_key=ADMIN_KEY, docs_dir=docs, index_uri=str(tmp_path / "index")))
    admin = {"authorization": f"Bearer {ADMIN_KEY}"}
    assert client.post("/api/ingest", headers=admin).status_code == 200
    assert _ask(client).json()["cached"] is False
    assert _ask(client).json()["cached"] is True
    transcript = docs / "transcript.md"
    transcript.write_text(transcript.read_text().replace("Database Internals", "Database System Internals"))
    assert client.post("/api/ingest", headers=admin).json()["updated"] >= 1
    calls = fake_llm.calls
    assert _ask(client).json()["cached"] is False
    assert fake_llm.calls == calls + 1


def test_spent_budget_switches_to_extractive_answers(serve: Serve, fake_llm: FakeLLM) -> None:
    client = serve(**_with_groq(fake_llm, budget_daily_llm_calls=2, cache_ttl_seconds=0, admin_key=ADMIN_KEY))
    first = _ask(client).json()
    providers = [first["provider"]] + [
        _ask(client, session_id=first["session_id"]).json()["provider"] for _ in range(3)
    ]
    assert providers == ["groq", "groq", "extractive", "extractive"]
    assert fake_llm.calls == 2
    usage = client.get("/health/detailed", headers={"authorization": f"Bearer {ADMIN_KEY}"}).json()["checks"]["budget"]
    assert usage["llm_calls"] == 2 and usage["llm_calls_limit"] == 2 and usage["llm_tokens"] > 0
    assert "folio_budget_used_ratio 1.0" in client.get("/metrics").text


def test_token_budget_counts_groq_usage(serve: Serve, fake_llm: FakeLLM) -> None:
    client = serve(**_with_groq(fake_llm, budget_daily_llm_tokens=50, cache_ttl_seconds=0))
    first = _ask(client).json()
    assert first["provider"] == "groq"  # spends far more than 50 prompt tokens
    assert _ask(client, session_id=first["session_id"]).json()["provider"] == "extractive"


def test_follow_up_questions_use_the_conversation(serve: Serve, fake_llm: FakeLLM) -> None:
    client = serve(**_with_groq(fake_llm))
    fake_llm.reply_text = "At the Vestmark Institute of Technology [1]."
    first = _ask(client, message="Where did she do her master's degree?").json()
    fake_llm.reply_text = "An A- [1]."
    second = _ask(
        client, message="And what grade did she get in Database Internals there?", session_id=first["session_id"]
    )
    assert second.status_code == 200
    prompt = fake_llm.chat_requests()[-1]["json"]["messages"][1]["content"]
    assert "<conversation>" in prompt and "Where did she do her master's degree?" in prompt
    assert "Vestmark Institute of Technology" in prompt.split("<conversation>")[1]
    assert "DSY518" in prompt, "the follow-up retrieved the transcript"


def test_redis_killed_mid_run_gives_no_5xx_and_comes_back(serve: Serve) -> None:
    with RedisServer() as redis:
        client = serve(
            **LOOSE, redis_url=redis.url, admin_key=ADMIN_KEY, store_retry_seconds=0, store_timeout_seconds=0.3
        )
        admin = {"authorization": f"Bearer {ADMIN_KEY}"}
        session = _ask(client).json()["session_id"]
        assert client.get("/health/detailed", headers=admin).json()["checks"]["store"]["status"] == "ok"
        redis.kill()
        for _ in range(3):
            response = _ask(client, session_id=session)
            assert response.status_code == 200, response.text
        health = client.get("/health/detailed", headers=admin).json()
        assert health["status"] == "degraded" and health["checks"]["store"]["status"] == "degraded"
        redis.start()
        assert _ask(client, session_id=session).status_code == 200
        store = client.get("/health/detailed", headers=admin).json()["checks"]["store"]
        assert store["status"] == "ok" and store["outages"] == 1
        fallbacks = [
            line for line in client.get("/metrics").text.splitlines() if line.startswith("folio_store_fallbacks")
        ]
        assert fallbacks and float(fallbacks[0].split()[-1]) > 0


def test_wrong_redis_password_degrades_with_a_warning(
    make_settings: Callable[..., Any], make_runtime: Callable[..., Any], caplog: Any
) -> None:
    from folio.cli import combined_app
    from tests.support.servers import UvicornServer

    with RedisServer(password="the-right-one") as redis:
        settings = make_settings(**LOOSE, redis_url=redis.url.replace("the-right-one", "wrong"), admin_key=ADMIN_KEY)
        with UvicornServer(combined_app(settings, make_runtime(settings))) as server:
            assert any("store unreachable" in r.getMessage() for r in caplog.records), "warned at start-up"
            response = httpx.post(f"{server.url}/api/chat", json={"message": Q}, timeout=30)
            assert response.status_code == 200
            health = httpx.get(
                f"{server.url}/health/detailed", headers={"authorization": f"Bearer {ADMIN_KEY}"}, timeout=30
            ).json()
            assert health["status"] == "degraded" and "AuthenticationError" in health["checks"]["store"]["error"]


def test_limits_on_lambda_use_the_function_url_source_ip(invoke: Any) -> None:
    handler = invoke("chat", ip_burst_per_minute=2)
    event = load_event("chat.json", headers={"x-forwarded-for": "1.1.1.1"})
    assert [handler(event)["statusCode"] for _ in range(2)] == [200, 200]
    other = load_event("chat.json")
    other["requestContext"]["http"]["sourceIp"] = "198.51.100.200"
    assert handler(other)["statusCode"] == 200, "another source address has its own allowance"
    refused = handler(load_event("chat.json", headers={"x-forwarded-for": "9.9.9.9"}))
    assert refused["statusCode"] == 429
    headers = {k.lower(): v for k, v in refused["headers"].items()}
    assert int(headers["retry-after"]) >= 1 and body_of(refused)["error"]["code"] == "rate_limited"


def test_limits_and_sessions_on_upstash(serve: Serve) -> None:
    from tests.fakes.upstash_server import FakeUpstash

    with RedisServer() as redis, FakeUpstash(redis_url=redis.url) as upstash:
        prefix = f"test-upstash-{uuid.uuid4().hex[:12]}"
        client = serve(
            **LOOSE,
            session_questions_per_hour=3,
            upstash_redis_rest_url=upstash.url,
            upstash_redis_rest_token="test-token",
            store_prefix=prefix,
            admin_key=ADMIN_KEY,
        )
        session = _ask(client).json()["session_id"]
        assert [_ask(client, session_id=session).status_code for _ in range(3)] == [200, 200, 429]
        store = client.get("/health/detailed", headers={"authorization": f"Bearer {ADMIN_KEY}"}).json()["checks"][
            "store"
        ]
        assert store["backend"] == "upstash" and store["status"] == "ok"
        assert any(command[0].upper() == "EVAL" for command in upstash.commands()), "limits ran on Upstash"
        local = redis_client.Redis.from_url(redis.url)
        assert list(local.scan_iter(f"{prefix}*")), "the state is in Redis, behind the REST API"
        local.close()


def _burst(base_url: str, bodies: list[dict[str, Any]]) -> list[int]:
    """All the requests at once, each on its own connection."""
    import asyncio

    async def run() -> list[int]:
        limits = httpx.Limits(max_connections=len(bodies), max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=120) as client:
            responses = await asyncio.gather(*(client.post("/api/chat", json=body) for body in bodies))
        return [r.status_code for r in responses]

    return asyncio.run(run())


def test_a_hundred_requests_at_once_get_exactly_the_promised_numbers(serve: Serve) -> None:
    """More concurrent requests than Redis connections is back-pressure, not an outage: no request
    is counted in a fresh in-memory store (#10 item 1)."""
    with RedisServer() as redis:
        # A reply slower than the store timeout is an outage by design (answered from memory, and
        # counted there): on a loaded 2-core machine connecting can take longer than the default
        # 0.5 s, so the store gets room; waiting for a pooled connection must still not count.
        client = serve(**LOOSE, redis_url=redis.url, store_timeout_seconds=5)
        session = _ask(client).json()["session_id"]
        statuses = _burst(str(client.base_url), [{"message": Q, "session_id": session}] * 100)
        assert sorted(set(statuses)) == [200, 429] and statuses.count(200) == 19, statuses
        fresh = _burst(str(client.base_url), [{"message": Q}] * 100)
        # one session was opened above; 3 new conversations per address and window are promised
        assert fresh.count(200) == 2 and fresh.count(429) == 98, fresh
        assert client.get("/health").status_code == 200


def test_each_redis_outage_is_logged_once_under_concurrent_requests(serve: Serve, caplog: Any) -> None:
    """Redis stopped and restarted twice while 20 clients keep asking: one 'unreachable' and one
    'back' line per outage, in that order, never a flap (#10 item 1)."""
    import asyncio
    import logging

    with RedisServer() as redis:
        client = serve(
            **LOOSE,
            redis_url=redis.url,
            admin_key=ADMIN_KEY,
            session_questions_per_hour=100_000,
            store_retry_seconds=0.2,
            # A stopped server refuses at once; a slow reply on a loaded machine is not what this
            # test stops (CI once saw a 0.3 s connect timeout 0.8 s after a restart: a third outage).
            store_timeout_seconds=2.0,
        )
        session = _ask(client).json()["session_id"]
        caplog.clear()
        caplog.set_level(logging.WARNING, logger="folio.store.failover")

        def lines() -> list[str]:
            return [
                r.getMessage().split(",")[0].split(":")[0] for r in caplog.records if r.name == "folio.store.failover"
            ]

        async def seen(line: str, times: int) -> None:
            # Each phase lasts until the requests have met it, however slow the machine is.
            for _ in range(600):
                if lines().count(line) >= times:
                    return
                await asyncio.sleep(0.05)

        async def run() -> list[int]:
            statuses: list[int] = []
            done = asyncio.Event()

            async def asker(http: httpx.AsyncClient) -> None:
                while not done.is_set():
                    response = await http.post("/api/chat", json={"message": Q, "session_id": session})
                    statuses.append(response.status_code)

            async with httpx.AsyncClient(base_url=str(client.base_url), timeout=60) as http:
                askers = [asyncio.create_task(asker(http)) for _ in range(20)]
                for outage in (1, 2):
                    await asyncio.sleep(1.0)
                    redis.kill()
                    await seen("store unreachable", outage)
                    await asyncio.sleep(1.0)  # more requests meet the same outage: no second line
                    await asyncio.to_thread(redis.start)
                    await seen("store back", outage)
                await asyncio.sleep(1.0)
                done.set()
                await asyncio.gather(*askers)
            return statuses

        statuses = asyncio.run(run())
        assert set(statuses) == {200}, sorted(set(statuses))
        assert lines() == ["store unreachable", "store back"] * 2, lines()
        store = client.get("/health/detailed", headers={"authorization": f"Bearer {ADMIN_KEY}"}).json()
        assert store["checks"]["store"]["outages"] == 2 and store["checks"]["store"]["status"] == "ok"


def _alb_event(forwarded_for: str) -> dict[str, Any]:
    """An Application Load Balancer's event (no multi-value headers), as AWS documents it."""
    body = json.dumps({"message": Q})
    return {
        "requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:eu-north-1:1:targetgroup/f/1"}},
        "httpMethod": "POST",
        "path": "/api/chat",
        "queryStringParameters": {},
        "headers": {
            "content-type": "application/json",
            "host": "folio.example",
            "x-forwarded-for": forwarded_for,
            "x-forwarded-port": "443",
            "x-forwarded-proto": "https",
        },
        "body": body,
        "isBase64Encoded": False,
    }


def _rest_api_event(forwarded_for: str, version: str | None = None) -> dict[str, Any]:
    """API Gateway's REST API event (payload 1.0; an HTTP API's 1.0 payload adds `version`)."""
    event: dict[str, Any] = {
        "resource": "/api/chat",
        "path": "/api/chat",
        "httpMethod": "POST",
        "headers": {"content-type": "application/json", "host": "x.execute-api.eu-north-1.amazonaws.com"},
        "multiValueHeaders": {
            "content-type": ["application/json"],
            "host": ["x.execute-api.eu-north-1.amazonaws.com"],
            "x-forwarded-for": [forwarded_for],
        },
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "requestContext": {
            "resourcePath": "/api/chat",
            "httpMethod": "POST",
            "path": "/prod/api/chat",
            "identity": {"sourceIp": forwarded_for.split(",")[0].strip()},
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "stage": "prod",
        },
        "body": json.dumps({"message": Q}),
        "isBase64Encoded": False,
    }
    if version:
        event["version"] = version
    return event


def test_event_types_the_template_does_not_deploy_are_refused(invoke: Any) -> None:
    """An ALB or API Gateway REST event's client address came from X-Forwarded-For as the client
    wrote it: a rotating left part got 15 of 15 through a limit of 10. The SAM template deploys
    Function URLs only, so every other HTTP event is a 400 in the error shape (#10 item 3)."""
    handler = invoke("chat", ip_questions_per_hour=10, ip_sessions_per_window=1000)
    events = [_alb_event(f"198.18.{n}.1, 203.0.113.9") for n in range(15)]
    events += [_rest_api_event(f"198.18.{n}.2, 203.0.113.9", version) for n in range(5) for version in (None, "1.0")]
    for event in events:
        response = handler(event)
        assert response["statusCode"] == 400, response
        error = body_of(response)["error"]
        assert error["code"] == "unsupported_event" and "Function URL" in error["message"]
        assert error["request_id"]
    function_url = [handler(load_event("chat.json"))["statusCode"] for _ in range(11)]
    assert function_url == [200] * 10 + [429], "Function URL events are served and limited by sourceIp"
