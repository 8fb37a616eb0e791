from __future__ import annotations

import asyncio
import time
from email.utils import formatdate
from typing import TYPE_CHECKING, Any

import pytest

from folio.errors import ProviderError
from folio.llm import GroqLLM, LLMChain, OllamaLLM
from folio.metrics import PrometheusMetrics

if TYPE_CHECKING:
    from tests.fakes.llm_server import FakeLLM

MESSAGES = [{"role": "system", "content": "rules"}, {"role": "user", "content": "question"}]


def _groq(fake: FakeLLM, **kwargs: float) -> GroqLLM:
    return GroqLLM("gsk_test", "llama-3.1-8b-instant", base_url=fake.url, **kwargs)  # type: ignore[arg-type]


def _run(llm: GroqLLM | OllamaLLM) -> str:
    async def go() -> str:
        try:
            return (await llm.complete(MESSAGES, max_tokens=50, temperature=0)).text
        finally:
            await llm.aclose()

    return asyncio.run(go())


def test_groq_answer_and_usage_through_the_real_sdk(fake_llm: FakeLLM) -> None:
    llm = _groq(fake_llm)

    async def go() -> None:
        completion = await llm.complete(MESSAGES, max_tokens=50, temperature=0)
        await llm.aclose()
        assert completion.text == "Answer from the fake [1]."
        assert completion.provider == "groq"
        assert completion.prompt_tokens > 0 and completion.completion_tokens > 0

    asyncio.run(go())
    sent = fake_llm.chat_requests()[0]
    assert sent["path"] == "/openai/v1/chat/completions"
    assert sent["headers"]["authorization"] == "Bearer gsk_test"
    assert sent["json"]["messages"] == MESSAGES


def test_groq_retries_once_after_a_short_retry_after(fake_llm: FakeLLM) -> None:
    fake_llm.script = ["rate_limited", "ok"]
    fake_llm.retry_after = "0"
    assert _run(_groq(fake_llm)) == "Answer from the fake [1]."
    assert fake_llm.calls == 2


def test_groq_gives_up_at_once_when_retry_after_is_long(fake_llm: FakeLLM) -> None:
    fake_llm.mode = "rate_limited"
    fake_llm.retry_after = "30"
    started = time.perf_counter()
    with pytest.raises(ProviderError, match="RateLimitError"):
        _run(_groq(fake_llm))
    assert fake_llm.calls == 1
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("server_error", "InternalServerError"),
        ("malformed", "malformed"),
        ("wrong_shape", "malformed"),
        ("auth", "401"),
    ],
)
def test_groq_failures_become_provider_errors(fake_llm: FakeLLM, mode: str, reason: str) -> None:
    fake_llm.mode = mode  # type: ignore[assignment]
    with pytest.raises(ProviderError, match=reason):
        _run(_groq(fake_llm, max_retries=0))


def test_groq_timeout_is_not_retried(fake_llm: FakeLLM) -> None:
    fake_llm.mode = "hang"
    fake_llm.hang_seconds = 10
    with pytest.raises(ProviderError, match="APITimeoutError"):
        _run(_groq(fake_llm, timeout=0.5, max_retries=1))
    assert fake_llm.calls == 1


def test_ollama_answer(fake_llm: FakeLLM) -> None:
    assert _run(OllamaLLM(fake_llm.url, "llama3.2")) == "Answer from the fake [1]."
    assert fake_llm.chat_requests()[0]["json"]["stream"] is False


@pytest.mark.parametrize("mode", ["server_error", "malformed", "rate_limited"])
def test_ollama_failures_become_provider_errors(fake_llm: FakeLLM, mode: str) -> None:
    fake_llm.mode = mode  # type: ignore[assignment]
    with pytest.raises(ProviderError):
        _run(OllamaLLM(fake_llm.url, "llama3.2"))


def test_unreachable_ollama_is_a_provider_error() -> None:
    with pytest.raises(ProviderError, match="ConnectError"):
        _run(OllamaLLM("http://127.0.0.1:9", "llama3.2", connect_timeout=0.5))


def test_chain_falls_through_groq_to_ollama_then_to_none(fake_llm: FakeLLM) -> None:
    chain = LLMChain([_groq(fake_llm, max_retries=0), OllamaLLM(fake_llm.url, "llama3.2")])

    async def go() -> tuple[str | None, str | None]:
        fake_llm.script = ["server_error", "ok"]
        first = await chain.complete(MESSAGES)
        fake_llm.mode = "server_error"
        second = await chain.complete(MESSAGES)
        await chain.aclose()
        return (first.provider if first else None), (second.provider if second else None)

    assert asyncio.run(go()) == ("ollama", None)


# --- deadlines (#10 item 5): a per-read timeout never trips on a body that trickles -----------


def _complete(chain: LLMChain, times: int = 1) -> list[str | None]:
    async def go() -> list[str | None]:
        try:
            results = await asyncio.gather(*(chain.complete(MESSAGES) for _ in range(times)))
            return [r.provider if r else None for r in results]
        finally:
            await chain.aclose()

    return asyncio.run(go())


@pytest.mark.parametrize("mode", ["trickle", "hang"])
@pytest.mark.parametrize("provider", ["groq", "ollama"])
def test_a_slow_provider_is_cut_at_its_deadline(fake_llm: FakeLLM, mode: str, provider: str) -> None:
    """GIVEN a server that sends a byte every 40 ms (or nothing) for 30 s, a 5 s per-read timeout
    WHEN the chain asks it THEN it gives up at the provider's 1.5 s deadline."""
    fake_llm.mode = mode  # type: ignore[assignment]
    fake_llm.trickle_seconds = fake_llm.hang_seconds = 30
    llm = _groq(fake_llm, timeout=5, max_retries=1) if provider == "groq" else OllamaLLM(fake_llm.url, "m", timeout=5)
    chain = LLMChain([llm], provider_deadline_seconds=1.5, deadline_seconds=10)
    started = time.perf_counter()
    assert _complete(chain) == [None]
    assert 1.4 < time.perf_counter() - started < 4
    assert fake_llm.calls == 1
    if mode == "trickle":
        assert fake_llm.chat_requests()[0]["mode"] == "trickle"


def test_the_chain_deadline_bounds_every_provider_together(fake_llm: FakeLLM) -> None:
    """Two trickling providers with 2 s each still end at the chain's 3 s: Ollama gets what is left."""
    fake_llm.mode = "trickle"
    chain = LLMChain(
        [_groq(fake_llm, timeout=5, max_retries=0), OllamaLLM(fake_llm.url, "m", timeout=5)],
        provider_deadline_seconds=2,
        deadline_seconds=3,
    )
    started = time.perf_counter()
    assert _complete(chain) == [None]
    assert 2.9 < time.perf_counter() - started < 5
    assert [r["path"] for r in fake_llm.chat_requests()] == ["/openai/v1/chat/completions", "/api/chat"]


def test_a_trickling_body_within_the_deadline_is_still_an_answer(fake_llm: FakeLLM) -> None:
    fake_llm.mode = "trickle"
    fake_llm.trickle_seconds = 0.5
    assert _complete(LLMChain([_groq(fake_llm, timeout=5)], provider_deadline_seconds=5)) == ["groq"]


# --- circuit breakers (#10 item 6) --------------------------------------------------------------


def _breaking(fake: FakeLLM, metrics: PrometheusMetrics | None = None, **kwargs: float) -> LLMChain:
    options: dict[str, Any] = {"breaker_failures": 3, "breaker_cooldown_seconds": 30, **kwargs}
    return LLMChain([_groq(fake, max_retries=0)], metrics=metrics, **options)


def test_n_failures_in_a_row_open_the_breaker_and_the_provider_sees_no_more_calls(fake_llm: FakeLLM) -> None:
    fake_llm.mode = "server_error"
    metrics = PrometheusMetrics()
    chain = _breaking(fake_llm, metrics)

    async def go() -> None:
        for _ in range(3):
            assert await chain.complete(MESSAGES) is None
        assert fake_llm.calls == 3 and chain.status()["breakers"]["groq"]["state"] == "open"
        for _ in range(5):
            assert await chain.complete(MESSAGES) is None
        await chain.aclose()

    asyncio.run(go())
    assert fake_llm.calls == 3
    status = chain.status()
    assert status["ok"] is False and status["breakers"]["groq"]["consecutive_failures"] == 3
    assert 25 < status["breakers"]["groq"]["retry_in_seconds"] <= 30
    assert not chain.available()
    text = metrics.render().decode()
    assert 'folio_llm_breaker_open{provider="groq"} 1.0' in text
    assert 'folio_llm_skipped_total{provider="groq"} 5.0' in text
    assert 'folio_llm_failures_total{provider="groq"} 3.0' in text


def test_a_success_between_failures_keeps_it_closed(fake_llm: FakeLLM) -> None:
    fake_llm.script = ["server_error", "server_error", "ok", "server_error", "server_error"]
    chain = _breaking(fake_llm)
    assert _complete(chain) + _complete(chain) + _complete(chain) + _complete(chain) + _complete(chain) == [
        None,
        None,
        "groq",
        None,
        None,
    ]
    assert chain.status()["breakers"]["groq"] == {"state": "closed", "consecutive_failures": 2}


def test_after_the_cool_down_one_probe_closes_it_or_opens_it_again(fake_llm: FakeLLM) -> None:
    fake_llm.mode = "server_error"
    metrics = PrometheusMetrics()
    chain = _breaking(fake_llm, metrics, breaker_cooldown_seconds=0.5)

    async def go() -> None:
        for _ in range(3):
            await chain.complete(MESSAGES)
        assert chain.status()["breakers"]["groq"]["state"] == "open"
        await asyncio.sleep(0.6)
        assert chain.status()["breakers"]["groq"]["state"] == "half_open" and chain.available()
        assert await chain.complete(MESSAGES) is None  # the probe fails: open again, at once
        assert fake_llm.calls == 4 and chain.status()["breakers"]["groq"]["state"] == "open"
        assert await chain.complete(MESSAGES) is None
        assert fake_llm.calls == 4
        await asyncio.sleep(0.6)
        fake_llm.mode = "ok"
        answer = await chain.complete(MESSAGES)
        assert answer is not None and answer.provider == "groq"
        await chain.aclose()

    asyncio.run(go())
    assert fake_llm.calls == 5
    assert chain.status()["breakers"]["groq"] == {"state": "closed", "consecutive_failures": 0}
    assert 'folio_llm_breaker_open{provider="groq"} 0.0' in metrics.render().decode()


@pytest.mark.parametrize("provider", ["groq", "ollama"])
@pytest.mark.parametrize("retry_after", ["1.5", "http-date"])
def test_a_429_with_retry_after_opens_it_at_once_for_that_long(
    fake_llm: FakeLLM, provider: str, retry_after: str
) -> None:
    fake_llm.mode = "rate_limited"
    if retry_after == "http-date":
        fake_llm.retry_after = formatdate(time.time() + 2.5, usegmt=True)  # whole seconds: 1.5-2.5 s away
    else:
        fake_llm.retry_after = retry_after
    llm = _groq(fake_llm, max_retries=0) if provider == "groq" else OllamaLLM(fake_llm.url, "m")
    chain = LLMChain([llm], breaker_failures=3, breaker_cooldown_seconds=60)

    async def go() -> None:
        assert await chain.complete(MESSAGES) is None
        breaker = chain.status()["breakers"][provider]
        assert breaker["state"] == "open", "one 429 with Retry-After is enough"
        assert 0.4 < breaker["retry_in_seconds"] <= 2.5, "for Retry-After's time, not the 60 s cool-down"
        assert await chain.complete(MESSAGES) is None
        assert fake_llm.calls == 1
        await asyncio.sleep(breaker["retry_in_seconds"] + 0.1)
        fake_llm.mode = "ok"
        assert await chain.complete(MESSAGES) is not None
        await chain.aclose()

    asyncio.run(go())
    assert fake_llm.calls == 2


def test_100_concurrent_questions_do_not_wait_for_a_hanging_provider_once_it_is_open(fake_llm: FakeLLM) -> None:
    """GIVEN a provider that hangs (deadline 1 s) WHEN 3 questions open its breaker THEN 100 at once
    are all answered without it at once, and after the cool-down only one of 100 probes it."""
    fake_llm.mode = "hang"
    fake_llm.hang_seconds = 30
    chain = _breaking(fake_llm, provider_deadline_seconds=1, breaker_cooldown_seconds=1.5)

    async def timed() -> float:
        started = time.perf_counter()
        await chain.complete(MESSAGES)
        return time.perf_counter() - started

    async def go() -> tuple[list[float], list[float], list[float]]:
        opening = await asyncio.gather(*(timed() for _ in range(3)))
        skipped = await asyncio.gather(*(timed() for _ in range(100)))
        await asyncio.sleep(1.6)
        probing = await asyncio.gather(*(timed() for _ in range(100)))
        await chain.aclose()
        return list(opening), list(skipped), list(probing)

    opening, skipped, probing = asyncio.run(go())
    assert all(0.9 < t < 3 for t in opening), opening
    assert max(skipped) < 0.5, "none waited for the provider"
    assert fake_llm.calls == 4, "3 that opened it, then one probe"
    assert sorted(probing)[-1] > 0.9 and sorted(probing)[-2] < 0.5, "only the probe waited"
    assert chain.status()["breakers"]["groq"]["state"] == "open"


# --- streaming (#9 item 1): the same providers, piece by piece ------------------------------------


def _stream(chain: LLMChain) -> tuple[str | None, list[str]]:
    pieces: list[str] = []

    async def go() -> str | None:
        try:
            completion = await chain.complete(MESSAGES, on_delta=pieces.append)
            return completion.provider if completion else None
        finally:
            await chain.aclose()

    return asyncio.run(go()), pieces


@pytest.mark.parametrize("provider", ["groq", "ollama"])
def test_each_provider_streams_its_reply_and_its_usage(fake_llm: FakeLLM, provider: str) -> None:
    fake_llm.reply_text = "She led the data platform team [1] for three years."
    llm = _groq(fake_llm) if provider == "groq" else OllamaLLM(fake_llm.url, "llama3.2")
    pieces: list[str] = []

    async def go() -> None:
        completion = await llm.stream(MESSAGES, max_tokens=50, temperature=0, on_delta=pieces.append)
        await llm.aclose()
        assert completion.text == fake_llm.reply_text and completion.provider == provider
        assert completion.prompt_tokens > 0 and completion.completion_tokens > 0

    asyncio.run(go())
    assert len(pieces) > 5 and "".join(pieces) == fake_llm.reply_text
    sent = fake_llm.wait_stream_ended(10)
    assert sent["json"]["stream"] is True and sent["stream"] == "finished"


def test_a_provider_failing_before_its_first_piece_falls_through(fake_llm: FakeLLM) -> None:
    fake_llm.script = ["rate_limited"]
    fake_llm.retry_after = "30"
    provider, pieces = _stream(LLMChain([_groq(fake_llm), OllamaLLM(fake_llm.url, "llama3.2")]))
    assert provider == "ollama" and "".join(pieces) == "Answer from the fake [1]."


@pytest.mark.parametrize("provider", ["groq", "ollama"])
def test_a_provider_breaking_mid_stream_ends_the_chain(fake_llm: FakeLLM, provider: str) -> None:
    """GIVEN a stream whose connection breaks half-way WHEN the chain streams THEN the pieces shown
    stay shown, no other provider is asked (its reply would follow half of another), and the
    breaker counts the failure."""
    fake_llm.reply_text = "She led the data platform team [1] for three years."
    fake_llm.script = ["broken"]
    first = _groq(fake_llm, max_retries=1) if provider == "groq" else OllamaLLM(fake_llm.url, "m")
    chain = LLMChain([first, OllamaLLM(fake_llm.url, "m")])
    answered, pieces = _stream(chain)
    assert answered is None and pieces and "".join(pieces) != fake_llm.reply_text
    assert fake_llm.calls == 1
    assert chain.breakers[0].status()["consecutive_failures"] == 1


def test_a_trickling_stream_is_cut_at_the_deadline_and_its_connection_closed(fake_llm: FakeLLM) -> None:
    fake_llm.mode = "trickle"
    fake_llm.trickle_seconds = 30
    chain = LLMChain([_groq(fake_llm, timeout=5)], provider_deadline_seconds=1.0, deadline_seconds=10)
    started = time.perf_counter()
    answered, _ = _stream(chain)
    assert answered is None and 0.9 < time.perf_counter() - started < 3
    (_,) = fake_llm.chat_requests()
    assert fake_llm.wait_stream_ended(3)["stream"] == "closed"
