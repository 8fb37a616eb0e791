"""A slow or failing LLM costs visitors bounded time: deadlines, then circuit breakers (#10 items 5, 6).

Over real HTTP (uvicorn) and through the chat Lambda handler, the real Groq SDK against the fake server.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING, Any

import httpx

from tests.support.lambdas import body_of, load_event
from tests.support.limits import NO_LIMITS

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.fakes.llm_server import FakeLLM

QUESTION = {"message": "What grade did she get in Database Internals?"}
ADMIN = "admin-key-0123456789abcdef"


def _groq(fake: FakeLLM, **overrides: Any) -> dict[str, Any]:
    return {"groq_api_key": "gsk_fake_key_for_tests", "groq_base_url": fake.url, **overrides}


def test_a_trickling_llm_is_cut_at_the_deadline_and_the_answer_is_extractive(
    serve: Callable[..., httpx.Client], fake_llm: FakeLLM
) -> None:
    """GIVEN Groq sending its body a byte at a time over 30 s and a 5 s per-read timeout
    WHEN a visitor asks THEN the answer is extractive once the 2 s deadline has passed."""
    fake_llm.mode = "trickle"
    fake_llm.trickle_seconds = 30
    client = serve(**_groq(fake_llm, llm_timeout_seconds=5, llm_provider_deadline_seconds=2, llm_deadline_seconds=2))
    started = time.perf_counter()
    body = client.post("/api/chat", json=QUESTION).json()
    elapsed = time.perf_counter() - started
    assert body["provider"] == "extractive" and body["grounded"] and "DSY518" in body["answer"]
    assert 2 < elapsed < 8, elapsed
    assert fake_llm.calls == 1


def test_lambda_a_trickling_llm_is_cut_at_the_deadline(invoke: Any, fake_llm: FakeLLM) -> None:
    fake_llm.mode = "trickle"
    fake_llm.trickle_seconds = 30
    handler = invoke("chat", **_groq(fake_llm, llm_timeout_seconds=5, llm_deadline_seconds=2))
    started = time.perf_counter()
    response = handler(load_event("chat.json", body=json.dumps(QUESTION)))
    assert time.perf_counter() - started < 8
    assert response["statusCode"] == 200 and body_of(response)["provider"] == "extractive"


def test_a_failing_provider_is_skipped_once_its_breaker_opens(
    serve: Callable[..., httpx.Client], fake_llm: FakeLLM
) -> None:
    fake_llm.mode = "server_error"
    client = serve(
        **_groq(fake_llm, llm_max_retries=0, llm_breaker_failures=2, llm_breaker_cooldown_seconds=60),
        admin_key=ADMIN,
        **NO_LIMITS,
    )
    health = client.get("/health/detailed", headers={"authorization": f"Bearer {ADMIN}"}).json()
    assert health["status"] == "ok" and health["checks"]["llm"]["breakers"]["groq"]["state"] == "closed"
    for _ in range(4):
        assert client.post("/api/chat", json=QUESTION).json()["provider"] == "extractive"
    assert fake_llm.calls == 2, "the last two questions never went to Groq"
    health = client.get("/health/detailed", headers={"authorization": f"Bearer {ADMIN}"}).json()
    llm = health["checks"]["llm"]
    assert health["status"] == "degraded" and llm["ok"] is False
    assert llm["breakers"]["groq"]["state"] == "open" and llm["breakers"]["groq"]["retry_in_seconds"] > 50
    assert health["checks"]["budget"]["llm_calls"] == 2, "no budget spent on calls never made"
    metrics = client.get("/metrics").text
    assert 'folio_llm_breaker_open{provider="groq"} 1.0' in metrics
    assert 'folio_llm_skipped_total{provider="groq"} 2.0' in metrics


def test_100_concurrent_questions_while_groq_hangs_do_not_each_wait_once_it_is_open(
    serve: Callable[..., httpx.Client], fake_llm: FakeLLM
) -> None:
    fake_llm.mode = "hang"
    fake_llm.hang_seconds = 30
    client = serve(
        **_groq(fake_llm, llm_max_retries=0, llm_deadline_seconds=2, llm_breaker_failures=2),
        budget_daily_llm_calls=1000,
        **NO_LIMITS,
    )
    for _ in range(2):
        assert client.post("/api/chat", json=QUESTION).json()["provider"] == "extractive"

    async def burst() -> list[tuple[float, dict[str, Any]]]:
        async with httpx.AsyncClient(base_url=str(client.base_url), timeout=60) as http:

            async def one() -> tuple[float, dict[str, Any]]:
                started = time.perf_counter()
                response = await http.post("/api/chat", json=QUESTION)
                return time.perf_counter() - started, response.json()

            return list(await asyncio.gather(*(one() for _ in range(100))))

    results = asyncio.run(burst())
    assert [body["provider"] for _, body in results] == ["extractive"] * 100
    assert fake_llm.calls == 2
    # Each took what 100 retrievals on two cores take, never the 2 s deadline on top.
    assert max(seconds for seconds, _ in results) < 2 * 100 * 0.05 + 2


def test_lambda_skips_a_failing_provider_and_says_so_in_emf(invoke: Any, fake_llm: FakeLLM, capsys: Any) -> None:
    fake_llm.mode = "server_error"
    handler = invoke(
        "chat",
        **_groq(fake_llm, llm_max_retries=0, llm_breaker_failures=2),
        lambda_function_name="folio-chat",
        **NO_LIMITS,
    )
    capsys.readouterr()
    for _ in range(3):
        response = handler(load_event("chat.json", body=json.dumps(QUESTION)))
        assert response["statusCode"] == 200 and body_of(response)["provider"] == "extractive"
    assert fake_llm.calls == 2
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]
    assert lines[1]["llm_breaker_open_groq"] == [1.0], "the invocation that opened it reports it"
    assert lines[2]["llm_skipped_groq"] == [1.0] and "llm_failures_groq" not in lines[2]
