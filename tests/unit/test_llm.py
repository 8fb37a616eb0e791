from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import pytest

from folio.errors import ProviderError
from folio.llm import GroqLLM, LLMChain, OllamaLLM

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
