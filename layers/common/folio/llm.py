"""LLM providers and the chain that tries them in order: Groq, then Ollama.

Every provider failure becomes a ProviderError; the chain logs it and moves on. When all fail
(or none is configured, or every breaker is open, or the chain's deadline has passed) the caller
falls back to the extractive answer.

Time is bounded twice: the clients' timeouts are per read (a server sending a byte every few
seconds never trips them), so each provider also runs under a total deadline, and the whole chain
under one more, below the Lambda function's timeout (infra/sam-template.yaml).

Streaming (`on_delta` given) asks each provider for its reply piece by piece, under the same
deadlines and breakers. A provider that fails before its first piece falls through to the next; one
that fails after it ends the chain (the pieces already passed on cannot be taken back by a second
provider's reply), and the caller answers without an LLM.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Protocol, cast

import httpx

from folio.breaker import Breaker
from folio.errors import ProviderError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable

    from groq import AsyncGroq, AsyncStream
    from groq.types.chat import ChatCompletionChunk, ChatCompletionMessageParam

    from folio.metrics import Metrics
    from folio.prompt import Message
    from folio.settings import Settings

log = logging.getLogger(__name__)
OnDelta = Callable[[str], None]

# Never wait longer than this for a Retry-After on the chat path: a visitor is waiting.
_MAX_RETRY_WAIT = 2.0
_GROQ_CHAT_PATH = "/openai/v1/chat/completions"
_BREAKER_LOG = {
    "open": "llm provider circuit open: skipped until the cool-down ends",
    "half_open": "llm provider circuit half-open: one call tries it again",
    "closed": "llm provider circuit closed: answering again",
}


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

    async def stream(
        self, messages: list[Message], *, max_tokens: int, temperature: float, on_delta: OnDelta
    ) -> Completion:
        """The same Completion as `complete`, each piece of its text passed to `on_delta` as it arrives."""
        ...

    async def aclose(self) -> None: ...


class GroqLLM:
    """Groq through its official SDK's client. Retries itself (at most `max_retries`), honouring Retry-After."""

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
        started = time.perf_counter()

        async def request() -> Completion:
            # The SDK's client (auth, timeouts, its errors for each status) without its typed layer:
            # transforming the messages and building the reply's models cost ~0.6 ms of CPU a call
            # (README "The HTTP path"). The same body as chat.completions.create sends.
            body = {"messages": messages, "model": self.model, "max_tokens": max_tokens, "temperature": temperature}
            response = await self._sdk().post(_GROQ_CHAT_PATH, body=body, cast_to=httpx.Response)
            return _groq_completion(response.json(), self.model, started)

        return await self._attempts(request, lambda: False)

    async def stream(
        self, messages: list[Message], *, max_tokens: int, temperature: float, on_delta: OnDelta
    ) -> Completion:
        started = time.perf_counter()
        pieces: list[str] = []

        async def request() -> Completion:
            usage: Any = None
            model = self.model
            chunks: AsyncStream[ChatCompletionChunk] = await self._sdk().chat.completions.create(
                model=self.model,
                messages=cast("list[ChatCompletionMessageParam]", messages),
                max_tokens=max_tokens,
                temperature=temperature,
                stream=True,
            )
            async with chunks:  # closing it closes the connection: a visitor who left stops the call
                async for chunk in chunks:
                    model = chunk.model or model
                    # Groq sends the usage with its last chunk, under x_groq.
                    usage = getattr(chunk.x_groq, "usage", None) or chunk.usage or usage
                    text = chunk.choices[0].delta.content if chunk.choices else None
                    if text:
                        pieces.append(text)
                        on_delta(text)
            return _completion("".join(pieces), self.name, str(model), usage, started)

        return await self._attempts(request, lambda: bool(pieces))

    async def _attempts(self, request: Callable[[], Awaitable[Completion]], streamed: Callable[[], bool]) -> Completion:
        """`request` with our bounded retries; never retried once `streamed()` (a piece was passed on)."""
        import groq

        for attempt in range(self.max_retries + 1):
            try:
                return await request()
            except (groq.RateLimitError, groq.InternalServerError, groq.APIConnectionError) as exc:
                retry_after = _retry_after(getattr(exc, "response", None))
                wait = _retry_wait(retry_after)
                final = isinstance(exc, groq.APITimeoutError) or attempt == self.max_retries or streamed()
                if final or wait is None:
                    raise ProviderError(self.name, _describe(exc), retry_after=retry_after) from exc
                await asyncio.sleep(wait)
            except (groq.APIError, httpx.HTTPError) as exc:  # a status, or an error in the stream
                raise ProviderError(self.name, _describe(exc)) from exc
            except (ValueError, AttributeError, TypeError, LookupError) as exc:  # malformed body
                # The SDK leaves a connection whose body failed to parse checked out: drop the pool.
                await self.aclose()
                raise ProviderError(self.name, f"malformed response: {exc}") from exc
        raise ProviderError(self.name, "no attempt made")  # pragma: no cover - loop always returns or raises

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None


class OllamaLLM:
    """A local model over Ollama's HTTP API (`POST /api/chat`: one JSON body, or NDJSON when streaming)."""

    name = "ollama"

    def __init__(self, url: str, model: str, *, timeout: float = 20.0, connect_timeout: float = 3.0) -> None:
        self.url = url.rstrip("/")
        self.model = model
        self.timeout = httpx.Timeout(timeout, connect=connect_timeout)
        self._client: httpx.AsyncClient | None = None

    async def complete(self, messages: list[Message], *, max_tokens: int, temperature: float) -> Completion:
        started = time.perf_counter()
        body = self._body(messages, max_tokens, temperature, stream=False)
        try:
            response = await self._http().post("/api/chat", json=body)
            response.raise_for_status()
            data = response.json()
            text = data["message"]["content"]
        except httpx.HTTPStatusError as exc:
            raise _status_error(self.name, exc.response) from exc
        except httpx.HTTPError as exc:
            raise ProviderError(self.name, f"{type(exc).__name__}: {exc}") from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderError(self.name, f"malformed response: {exc}") from exc
        return self._completion(text, data, started)

    async def stream(
        self, messages: list[Message], *, max_tokens: int, temperature: float, on_delta: OnDelta
    ) -> Completion:
        started = time.perf_counter()
        body = self._body(messages, max_tokens, temperature, stream=True)
        pieces: list[str] = []
        last: dict[str, Any] = {}
        try:
            # Leaving the block (a visitor who left cancels us) closes the connection.
            async with self._http().stream("POST", "/api/chat", json=body) as response:
                if response.is_error:
                    await response.aread()
                    raise _status_error(self.name, response)
                async for data in _ndjson(response.aiter_lines()):
                    if "error" in data:  # Ollama reports a failure mid-stream as a line of its own
                        raise ProviderError(self.name, f"error in the stream: {str(data['error'])[:200]}")
                    text = data["message"]["content"]
                    if not isinstance(text, str):
                        raise TypeError("message.content is not text")
                    if text:
                        pieces.append(text)
                        on_delta(text)
                    if data.get("done"):
                        last = data
                        break
        except httpx.HTTPError as exc:
            raise ProviderError(self.name, f"{type(exc).__name__}: {exc}") from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderError(self.name, f"malformed response: {exc}") from exc
        if not last:
            raise ProviderError(self.name, "the stream ended before its last line")
        return self._completion("".join(pieces), last, started)

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(base_url=self.url, timeout=self.timeout)
        return self._client

    def _body(self, messages: list[Message], max_tokens: int, temperature: float, *, stream: bool) -> dict[str, Any]:
        return {
            "model": self.model,
            "messages": messages,
            "stream": stream,
            "options": {"temperature": temperature, "num_predict": max_tokens},
        }

    def _completion(self, text: object, data: dict[str, Any], started: float) -> Completion:
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


async def _ndjson(lines: AsyncIterator[str]) -> AsyncIterator[dict[str, Any]]:
    async for line in lines:
        if line.strip():
            data = json.loads(line)
            if not isinstance(data, dict):
                raise TypeError("a line is not a JSON object")
            yield data


def _status_error(provider: str, response: httpx.Response) -> ProviderError:
    retry_after = _retry_after(response) if response.status_code == 429 else None
    return ProviderError(provider, f"HTTP {response.status_code}", retry_after=retry_after)


class LLMChain:
    """The providers in order, each behind its own circuit breaker (folio.breaker), under deadlines:
    `provider_deadline_seconds` for one provider (its retries included), `deadline_seconds` for all."""

    def __init__(
        self,
        providers: list[LLM],
        *,
        max_tokens: int = 400,
        temperature: float = 0.2,
        metrics: Metrics | None = None,
        provider_deadline_seconds: float = 15.0,
        deadline_seconds: float = 20.0,
        breaker_failures: int = 3,
        breaker_cooldown_seconds: float = 30.0,
    ) -> None:
        self.providers = providers
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.metrics = metrics
        self.provider_deadline_seconds = provider_deadline_seconds
        self.deadline_seconds = deadline_seconds
        self.breakers = [
            Breaker(
                provider.name,
                threshold=breaker_failures,
                cooldown_seconds=breaker_cooldown_seconds,
                on_change=self._breaker_changed,
            )
            for provider in providers
        ]

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
        return cls(
            providers,
            max_tokens=settings.llm_max_tokens,
            temperature=settings.llm_temperature,
            metrics=metrics,
            provider_deadline_seconds=settings.llm_provider_deadline_seconds,
            deadline_seconds=settings.llm_deadline_seconds,
            breaker_failures=settings.llm_breaker_failures,
            breaker_cooldown_seconds=settings.llm_breaker_cooldown_seconds,
        )

    def available(self) -> bool:
        """Whether any provider would be tried now (none is when every breaker is open)."""
        return any(breaker.available() for breaker in self.breakers)

    async def complete(
        self,
        messages: list[Message],
        *,
        admit: Callable[[], Awaitable[bool]] | None = None,
        on_delta: OnDelta | None = None,
    ) -> Completion | None:
        """The first provider's answer, or None when every provider failed or was skipped, the
        chain's deadline passed, or `admit` (the owner's budget, asked once, just before the first
        call a breaker lets through) said no. With `on_delta` the providers stream their reply
        into it; a provider failing after its first piece ends the chain with None."""
        loop = asyncio.get_running_loop()
        ends = loop.time() + self.deadline_seconds
        for provider, breaker in zip(self.providers, self.breakers, strict=True):
            remaining = ends - loop.time()
            if remaining <= 0:
                log.warning("llm chain deadline passed", extra={"deadline_seconds": self.deadline_seconds})
                break
            if not breaker.allow():
                if self.metrics is not None:
                    self.metrics.count("llm_skipped", provider=provider.name)
                continue
            if admit is not None:
                ask, admit = admit, None
                if not await _admitted(ask, breaker):
                    return None
            attempt = _Attempt(provider, on_delta)
            try:
                completion = await self._within(attempt, messages, min(self.provider_deadline_seconds, remaining))
            except ProviderError as exc:
                self._failed(exc, breaker)
                if attempt.streamed:
                    log.warning("llm provider failed mid-stream: no other provider can take over")
                    return None
                continue
            except BaseException:
                breaker.abandoned()
                raise
            self._answered(completion, breaker)
            return completion
        return None

    def _failed(self, exc: ProviderError, breaker: Breaker) -> None:
        breaker.failed(retry_after=exc.retry_after)
        if self.metrics is not None:
            self.metrics.count("llm_failures", provider=exc.provider)
        log.warning("llm provider failed, trying the next", extra={"provider": exc.provider, "reason": exc.reason})

    def _answered(self, completion: Completion, breaker: Breaker) -> None:
        breaker.succeeded()
        if self.metrics is not None:
            self.metrics.observe("llm_seconds", completion.seconds, provider=completion.provider)
            used = completion.prompt_tokens + completion.completion_tokens
            self.metrics.count("llm_tokens", used, provider=completion.provider)

    async def _within(self, attempt: _Attempt, messages: list[Message], seconds: float) -> Completion:
        provider, tokens, temperature = attempt.provider, self.max_tokens, self.temperature
        try:
            async with asyncio.timeout(seconds):
                if attempt.on_delta is None:
                    return await provider.complete(messages, max_tokens=tokens, temperature=temperature)
                return await provider.stream(
                    messages, max_tokens=tokens, temperature=temperature, on_delta=attempt.passed
                )
        except TimeoutError as exc:
            raise ProviderError(provider.name, f"no answer within {seconds:.1f} s") from exc

    def status(self) -> dict[str, Any]:
        """For /health/detailed: each provider's breaker, in this process."""
        breakers = {breaker.name: breaker.status() for breaker in self.breakers}
        return {
            "ok": not self.providers or self.available(),
            "providers": [f"{p.name}:{p.model}" for p in self.providers],
            "breakers": breakers,
            "fallback": "extractive",
        }

    def _breaker_changed(self, breaker: Breaker, seconds: float) -> None:
        state = breaker.state
        if self.metrics is not None:
            self.metrics.gauge("llm_breaker_open", 1.0 if state == "open" else 0.0, provider=breaker.name)
        if state == "open":
            log.warning(_BREAKER_LOG[state], extra={"provider": breaker.name, "seconds": round(seconds, 1)})
        else:
            log.info(_BREAKER_LOG[state], extra={"provider": breaker.name})

    async def aclose(self) -> None:
        for provider in self.providers:
            await provider.aclose()


class _Attempt:
    """One provider's turn in the chain, remembering whether it passed a piece of its reply on."""

    def __init__(self, provider: LLM, on_delta: OnDelta | None) -> None:
        self.provider = provider
        self.on_delta = on_delta
        self.streamed = False

    def passed(self, text: str) -> None:
        self.streamed = True
        if self.on_delta is not None:
            self.on_delta(text)


async def _admitted(ask: Callable[[], Awaitable[bool]], breaker: Breaker) -> bool:
    """The budget's answer; a no (or an error) hands back the call the breaker let through."""
    try:
        admitted = await ask()
    except BaseException:
        breaker.abandoned()
        raise
    if not admitted:
        breaker.abandoned()
    return admitted


def _groq_completion(reply: Any, model: str, started: float) -> Completion:
    """A chat completion as Groq's JSON has it (choices[0].message.content, model, usage)."""
    if not isinstance(reply, dict):
        raise TypeError("the reply is not a JSON object")
    text = reply["choices"][0]["message"]["content"]
    return _completion(text, "groq", str(reply.get("model") or model), reply.get("usage"), started)


def _completion(text: object, provider: str, model: str, usage: Any, started: float) -> Completion:
    if not isinstance(text, str) or not text.strip():
        raise ValueError("no answer text in the response")
    return Completion(
        text=text.strip(),
        provider=provider,
        model=model,
        prompt_tokens=_tokens(usage, "prompt_tokens"),
        completion_tokens=_tokens(usage, "completion_tokens"),
        seconds=time.perf_counter() - started,
    )


def _tokens(usage: Any, name: str) -> int:
    """A count from a usage object (a streamed chunk's, from the SDK) or dict (a reply's JSON)."""
    value = usage.get(name) if isinstance(usage, dict) else getattr(usage, name, 0)
    return int(value or 0)


def _retry_after(response: httpx.Response | None) -> float | None:
    """A response's Retry-After in seconds (it may be a number or an HTTP date), or None."""
    header = response.headers.get("retry-after") if response is not None else None
    if header is None:
        return None
    try:
        return max(float(header), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def _retry_wait(retry_after: float | None) -> float | None:
    """Seconds to wait before retrying, or None when Retry-After asks for longer than a visitor waits."""
    if retry_after is None:
        return 0.5
    return retry_after if retry_after <= _MAX_RETRY_WAIT else None


def _describe(exc: Exception) -> str:
    status = getattr(exc, "status_code", None)
    return f"{type(exc).__name__}" + (f" (HTTP {status})" if status else "")
