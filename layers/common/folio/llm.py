"""LLM providers and the chain that tries them in order: Groq, then Ollama.

Every provider failure becomes a ProviderError; the chain logs it and moves on. When all fail
(or none is configured) the caller falls back to the extractive answer.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from folio.errors import ProviderError

if TYPE_CHECKING:
    from groq import AsyncGroq

    from folio.metrics import Metrics
    from folio.prompt import Message
    from folio.settings import Settings

log = logging.getLogger(__name__)

# Never wait longer than this for a Retry-After on the chat path: a visitor is waiting.
_MAX_RETRY_WAIT = 2.0


@dataclass(frozen=True)
class Completion:
    text: str
    provider: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float


class LLM(Protocol):
    name: str
    model: str

    async def complete(self, messages: list[Message], *, max_tokens: int, temperature: float) -> Completion: ...

    async def aclose(self) -> None: ...


class GroqLLM:
    """Groq through its official SDK. Retries itself (at most `max_retries`), honouring Retry-After."""

    name = "groq"

    def __init__(
        self,
        api_key: str,
        model: str,
        *,
        base_url: str | None = None,
        timeout: float = 20.0,
        connect_timeout: float = 3.0,
        max_retries: int = 1,
    ) -> None:
        self.api_key = api_key
        self.model = model
        self.base_url = base_url
        self.timeout = httpx.Timeout(timeout, connect=connect_timeout)
        self.max_retries = max_retries
        # Built now (SDK import, TLS context: ~0.15 s) so the first question does not pay for it.
        self._client: AsyncGroq | None = None
        self._sdk()

    def _sdk(self) -> AsyncGroq:
        if self._client is None:
            from groq import AsyncGroq

            # The SDK's own retries sleep up to 60 s on Retry-After; ours are bounded below.
            self._client = AsyncGroq(api_key=self.api_key, base_url=self.base_url, timeout=self.timeout, max_retries=0)
        return self._client

    async def complete(self, messages: list[Message], *, max_tokens: int, temperature: float) -> Completion:
        import groq

        started = time.perf_counter()
        for attempt in range(self.max_retries + 1):
            try:
                response = await self._sdk().chat.completions.create(
                    model=self.model,
                    messages=messages,  # type: ignore[arg-type]
                    max_tokens=max_tokens,
                    temperature=temperature,
                )
                return _groq_completion(response, self.model, started)
            except (groq.RateLimitError, groq.InternalServerError, groq.APIConnectionError) as exc:
                wait = _retry_wait(exc)
                if isinstance(exc, groq.APITimeoutError) or attempt == self.max_retries or wait is None:
                    raise ProviderError(self.name, _describe(exc)) from exc
                await asyncio.sleep(wait)
            except groq.APIStatusError as exc:
                raise ProviderError(self.name, _describe(exc)) from exc
            except (ValueError, AttributeError, TypeError) as exc:  # malformed body
                # The SDK leaves a connection whose body failed to parse checked out: drop the pool.
                await self.aclose()
                raise ProviderError(self.name, f"malformed response: {exc}") from exc
        raise ProviderError(self.name, "no attempt made")  # pragma: no cover - loop always returns or raises

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None


class OllamaLLM:
    """A local model over Ollama's HTTP API (`POST /api/chat`, non-streaming)."""

    name = "ollama"

    def __init__(self, url: str, model: str, *, timeout: float = 20.0, connect_timeout: float = 3.0) -> None:
        self.url = url.rstrip("/")
        self.model = model
        self.timeout = httpx.Timeout(timeout, connect=connect_timeout)
        self._client: httpx.AsyncClient | None = None

    async def complete(self, messages: list[Message], *, max_tokens: int, temperature: float) -> Completion:
        if self._client is None:
            self._client = httpx.AsyncClient(base_url=self.url, timeout=self.timeout)
        started = time.perf_counter()
        body = {
            "model": self.model,
            "messages": messages,
            "stream": False,
            "options": {"temperature": temperature, "num_predict": max_tokens},
        }
        try:
            response = await self._client.post("/api/chat", json=body)
            response.raise_for_status()
            data = response.json()
            text = data["message"]["content"]
        except httpx.HTTPStatusError as exc:
            raise ProviderError(self.name, f"HTTP {exc.response.status_code}") from exc
        except httpx.HTTPError as exc:
            raise ProviderError(self.name, f"{type(exc).__name__}: {exc}") from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderError(self.name, f"malformed response: {exc}") from exc
        if not isinstance(text, str) or not text.strip():
            raise ProviderError(self.name, "empty answer")
        return Completion(
            text=text.strip(),
            provider=self.name,
            model=self.model,
            prompt_tokens=int(data.get("prompt_eval_count") or 0),
            completion_tokens=int(data.get("eval_count") or 0),
            seconds=time.perf_counter() - started,
        )

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


class LLMChain:
    def __init__(
        self,
        providers: list[LLM],
        *,
        max_tokens: int = 400,
        temperature: float = 0.2,
        metrics: Metrics | None = None,
    ) -> None:
        self.providers = providers
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.metrics = metrics

    @classmethod
    def from_settings(cls, settings: Settings, *, groq_api_key: str | None, metrics: Metrics | None = None) -> LLMChain:
        """`groq_api_key` is the current key (settings or SSM, see folio.secrets)."""
        providers: list[LLM] = []
        if groq_api_key:
            providers.append(
                GroqLLM(
                    groq_api_key,
                    settings.groq_model,
                    base_url=settings.groq_base_url,
                    timeout=settings.llm_timeout_seconds,
                    connect_timeout=settings.llm_connect_timeout_seconds,
                    max_retries=settings.llm_max_retries,
                )
            )
        if settings.ollama_url:
            providers.append(
                OllamaLLM(
                    settings.ollama_url,
                    settings.ollama_model,
                    timeout=settings.llm_timeout_seconds,
                    connect_timeout=settings.llm_connect_timeout_seconds,
                )
            )
        return cls(providers, max_tokens=settings.llm_max_tokens, temperature=settings.llm_temperature, metrics=metrics)

    async def complete(self, messages: list[Message]) -> Completion | None:
        """The first provider's answer, or None when every provider failed."""
        for provider in self.providers:
            try:
                completion = await provider.complete(messages, max_tokens=self.max_tokens, temperature=self.temperature)
            except ProviderError as exc:
                if self.metrics is not None:
                    self.metrics.count("llm_failures", provider=exc.provider)
                log.warning(
                    "llm provider failed, trying the next", extra={"provider": exc.provider, "reason": exc.reason}
                )
            else:
                if self.metrics is not None:
                    self.metrics.observe("llm_seconds", completion.seconds, provider=completion.provider)
                    used = completion.prompt_tokens + completion.completion_tokens
                    self.metrics.count("llm_tokens", used, provider=completion.provider)
                return completion
        return None

    async def aclose(self) -> None:
        for provider in self.providers:
            await provider.aclose()


def _groq_completion(response: Any, model: str, started: float) -> Completion:
    text = response.choices[0].message.content
    if not isinstance(text, str) or not text.strip():
        raise ValueError("no answer text in the response")
    usage = response.usage
    return Completion(
        text=text.strip(),
        provider="groq",
        model=str(response.model or model),
        prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
        completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
        seconds=time.perf_counter() - started,
    )


def _retry_wait(exc: Exception) -> float | None:
    """Seconds to wait before retrying, or None when Retry-After asks for longer than a visitor waits."""
    response = getattr(exc, "response", None)
    header = response.headers.get("retry-after") if response is not None else None
    if header is None:
        return 0.5
    try:
        wait = max(float(header), 0.0)
    except ValueError:
        return 0.5
    return wait if wait <= _MAX_RETRY_WAIT else None


def _describe(exc: Exception) -> str:
    status = getattr(exc, "status_code", None)
    return f"{type(exc).__name__}" + (f" (HTTP {status})" if status else "")
