"""Offline fake of the Groq and Ollama HTTP chat APIs for tests.

``FakeLLM`` runs a small Starlette app under uvicorn in a background thread on
``127.0.0.1`` and a free port. It speaks the real wire protocols:

* Groq (OpenAI-compatible): ``POST /openai/v1/chat/completions`` -- the official
  ``groq`` SDK posts there when created with ``base_url=fake.url``. Supports
  ``"stream": true`` (``text/event-stream`` of ``chat.completion.chunk`` events
  terminated by ``data: [DONE]``).
* Ollama: ``POST /api/chat`` (streaming NDJSON by default, like Ollama, or a
  single JSON object with ``"stream": false``) and ``GET /api/tags``.

Behaviour is scripted per test through mutable attributes::

    with FakeLLM() as fake:
        fake.script = ["rate_limited", "ok"]  # one mode per chat request
        fake.mode = "ok"                      # used once the script is empty
        ...
        assert fake.calls == 2

Modes (see ``MODES``): ``ok``, ``rate_limited``, ``server_error``, ``hang``,
``trickle`` (the ``ok`` answer, its body sent a byte at a time over ``trickle_seconds``: every
read gets a byte well within any per-read timeout; a streamed answer sends its chunks spread over
``trickle_seconds``), ``broken`` (a streamed answer whose connection breaks half-way),
``malformed``, ``wrong_shape``, ``auth``.

A streamed answer records how it is going in its request entry: ``"stream"`` is ``"streaming"``,
then ``"finished"``, or ``"closed"`` when the client closed the connection before the last chunk
(or ``broken`` mode broke it). With ``hold_after = n``, a streamed answer stops after its first n
chunks (``"held"`` is then True in its entry) until ``release`` is set: a test can look at what its
client has made of the first chunks while the answer is, for certain, not complete.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, Literal, get_args

from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.fakes.base import ScriptedServer

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterable, Iterator

    from starlette.requests import Request

Mode = Literal["ok", "rate_limited", "server_error", "hang", "trickle", "broken", "malformed", "wrong_shape", "auth"]
MODES: Final[tuple[str, ...]] = get_args(Mode)

GROQ_CHAT_PATH: Final = "/openai/v1/chat/completions"
OLLAMA_CHAT_PATH: Final = "/api/chat"
OLLAMA_TAGS_PATH: Final = "/api/tags"
CHAT_PATHS: Final = frozenset({GROQ_CHAT_PATH, OLLAMA_CHAT_PATH})

DEFAULT_REPLY: Final = "Answer from the fake [1]."

# Groq's error bodies (OpenAI style: {"error": {"message", "type", "code"}}).
GROQ_RATE_LIMIT_BODY: Final[dict[str, Any]] = {
    "error": {
        "message": "Rate limit reached",
        "type": "tokens",
        "code": "rate_limit_exceeded",
    }
}
GROQ_SERVER_ERROR_BODY: Final[dict[str, Any]] = {
    "error": {"message": "Internal Server Error", "type": "internal_server_error"}
}
GROQ_AUTH_BODY: Final[dict[str, Any]] = {
    "error": {
        "message": "Invalid API Key",
        "type": "invalid_request_error",
        "code": "invalid_api_key",
    }
}
# Truncated JSON: ``Content-Type: application/json`` but not parseable.
MALFORMED_BODY: Final = '{"id": "chatcmpl-broken", "choices": [{"message": '
# Valid JSON, wrong shape.
WRONG_SHAPE_BODY: Final[dict[str, Any]] = {"unexpected": "shape", "choices": "nope"}

_PIECE_RE: Final = re.compile(r"\S+\s*|\s+")
_STOP_POLL_SECONDS: Final = 0.05


def _estimate_tokens(text: str) -> int:
    return len(text) // 4


def _content_text(content: object) -> str:
    """Text of a chat message ``content`` (a string or a list of parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts: list[str] = []
        for part in content:
            if isinstance(part, dict):
                text = part.get("text")
                if isinstance(text, str):
                    parts.append(text)
            elif isinstance(part, str):
                parts.append(part)
        return "".join(parts)
    return ""


def _prompt_text(body: object) -> str:
    if not isinstance(body, dict):
        return ""
    messages = body.get("messages")
    if not isinstance(messages, list):
        return ""
    return "".join(_content_text(m.get("content")) for m in messages if isinstance(m, dict))


def _split_pieces(text: str) -> list[str]:
    """Split text into token-ish pieces (words with trailing whitespace)."""
    return _PIECE_RE.findall(text) or [text]


def _iso_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class FakeLLM(ScriptedServer[Mode]):
    """Local fake Groq + Ollama server. Use as a context manager or call start()/stop().

    Mutable attributes (read on every request, so tests may change them at any time):

    * ``mode``: default mode for chat requests (one of ``MODES``), default ``"ok"``.
    * ``script``: list of modes consumed one per chat request, before ``mode``.
    * ``reply_text``: assistant answer in ``ok`` mode.
    * ``retry_after``: value of the ``retry-after`` header in ``rate_limited`` mode.
    * ``hang_seconds``: how long ``hang`` mode sleeps before answering normally.
    * ``trickle_seconds``: how long ``trickle`` mode takes to send its body.
    * ``model``: model listed by ``GET /api/tags``; used when a request has none.
    * ``hold_after``: a streamed answer's chunks sent before it waits for ``release`` (None: none).

    Recorded: ``requests`` (every request: method, path, headers with lower-cased
    keys, parsed JSON body or None, and the mode applied), ``calls`` (number of
    requests to the chat paths).
    """

    def __init__(
        self,
        *,
        mode: Mode = "ok",
        reply_text: str = DEFAULT_REPLY,
        retry_after: str = "0",
        hang_seconds: float = 30.0,
        trickle_seconds: float = 30.0,
        model: str = "llama3.2",
        startup_timeout: float = 10.0,
    ) -> None:
        self.reply_text: str = reply_text
        self.retry_after: str = retry_after
        self.trickle_seconds: float = trickle_seconds
        self.model: str = model
        self.hold_after: int | None = None
        self.release = threading.Event()
        app = Starlette(
            routes=[
                Route(GROQ_CHAT_PATH, self._groq_chat, methods=["POST"]),
                Route(OLLAMA_CHAT_PATH, self._ollama_chat, methods=["POST"]),
                Route(OLLAMA_TAGS_PATH, self._ollama_tags, methods=["GET"]),
            ]
        )
        super().__init__(
            app, mode=mode, hang_seconds=hang_seconds, lifespan="off", name="FakeLLM", startup_timeout=startup_timeout
        )

    @property
    def calls(self) -> int:
        """Number of requests received on the chat paths (Groq and Ollama)."""
        with self._lock:
            return sum(1 for r in self.requests if r["path"] in CHAT_PATHS)

    def chat_requests(self) -> list[dict[str, Any]]:
        """Recorded requests to the chat paths, oldest first."""
        with self._lock:
            return [r for r in self.requests if r["path"] in CHAT_PATHS]

    def wait_held(self, timeout: float) -> dict[str, Any]:
        """The first chat request, once its stream has stopped at ``hold_after`` (its first chunks can
        reach the client a moment before the fake's loop gets there)."""
        return self._wait_entry(lambda entry: bool(entry.get("held")), timeout)

    def wait_stream_ended(self, timeout: float) -> dict[str, Any]:
        """The first chat request, once its stream is no longer ``streaming`` (the client can read the
        last chunk a moment before the fake's loop records how the stream ended)."""
        return self._wait_entry(lambda entry: entry.get("stream") != "streaming", timeout)

    def _wait_entry(self, done: Callable[[dict[str, Any]], bool], timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            entry = self.chat_requests()[0]
            if done(entry) or time.monotonic() > deadline:
                return entry
            time.sleep(0.01)

    def reset(self) -> None:
        """Forget recorded requests and the script; restore default behaviour."""
        with self._lock:
            self.requests.clear()
            self.script.clear()
        self.mode = "ok"
        self.reply_text = DEFAULT_REPLY
        self.retry_after = "0"
        self.hang_seconds = 30.0
        self.trickle_seconds = 30.0
        self.hold_after = None
        self.release.clear()

    # ------------------------------------------------------------------ helpers

    def _body(self, mode: Mode, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
        if mode != "trickle":
            return JSONResponse(payload, headers=headers)
        return StreamingResponse(self._trickle(json.dumps(payload)), media_type="application/json", headers=headers)

    async def _trickle(self, body: str) -> AsyncIterator[str]:
        """One character at a time, spread over ``trickle_seconds`` (cut short when stopping)."""
        pause = self.trickle_seconds / max(len(body), 1)
        for char in body:
            if self.stopping.is_set():
                return
            yield char
            await asyncio.sleep(pause)

    # ------------------------------------------------------------------ Groq

    async def _groq_chat(self, request: Request) -> Response:
        entry, body = await self._record(request)
        mode = self._next_mode()
        entry["mode"] = mode
        request_id = f"req_{uuid.uuid4().hex[:26]}"
        headers = {"x-request-id": request_id}
        if mode == "rate_limited":
            headers["retry-after"] = self.retry_after
            return JSONResponse(GROQ_RATE_LIMIT_BODY, status_code=429, headers=headers)
        if mode == "server_error":
            return JSONResponse(GROQ_SERVER_ERROR_BODY, status_code=500, headers=headers)
        if mode == "auth":
            return JSONResponse(GROQ_AUTH_BODY, status_code=401, headers=headers)
        if mode == "hang":
            await self._hang()
            if self.stopping.is_set():
                return JSONResponse(GROQ_SERVER_ERROR_BODY, status_code=503, headers=headers)
        body_dict: dict[str, Any] = body if isinstance(body, dict) else {}
        stream = body_dict.get("stream") is True
        if mode == "malformed":
            if stream:
                return StreamingResponse(
                    iter(["data: {not json\n\n", "data: [DONE]\n\n"]),
                    media_type="text/event-stream",
                    headers=headers,
                )
            return Response(MALFORMED_BODY, media_type="application/json", headers=headers)
        if mode == "wrong_shape":
            return JSONResponse(WRONG_SHAPE_BODY, headers=headers)

        model = body_dict.get("model")
        model_name = model if isinstance(model, str) else self.model
        text = self.reply_text
        prompt_tokens = _estimate_tokens(_prompt_text(body_dict))
        completion_tokens = _estimate_tokens(text)
        usage: dict[str, Any] = {
            "queue_time": 0.001,
            "prompt_tokens": prompt_tokens,
            "prompt_time": 0.002,
            "completion_tokens": completion_tokens,
            "completion_time": 0.003,
            "total_tokens": prompt_tokens + completion_tokens,
            "total_time": 0.005,
        }
        completion_id = f"chatcmpl-{uuid.uuid4()}"
        created = int(time.time())
        if stream:
            stream_options = body_dict.get("stream_options")
            include_usage = isinstance(stream_options, dict) and bool(stream_options.get("include_usage"))
            events = self._groq_sse(
                completion_id,
                created,
                model_name,
                text,
                usage,
                request_id,
                include_usage,
            )
            return StreamingResponse(self._paced(entry, mode, events), media_type="text/event-stream", headers=headers)
        payload: dict[str, Any] = {
            "id": completion_id,
            "object": "chat.completion",
            "created": created,
            "model": model_name,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": usage,
            "usage_breakdown": None,
            "system_fingerprint": "fp_fake",
            "x_groq": {"id": request_id},
            "service_tier": "on_demand",
        }
        return self._body(mode, payload, headers)

    @staticmethod
    def _groq_sse(
        completion_id: str,
        created: int,
        model: str,
        text: str,
        usage: dict[str, Any],
        request_id: str,
        include_usage: bool,
    ) -> Iterator[str]:
        def chunk(
            delta: dict[str, Any],
            finish_reason: str | None,
            x_groq: dict[str, Any] | None,
            top_usage: dict[str, Any] | None = None,
        ) -> str:
            data: dict[str, Any] = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "system_fingerprint": "fp_fake",
                "choices": [
                    {
                        "index": 0,
                        "delta": delta,
                        "logprobs": None,
                        "finish_reason": finish_reason,
                    }
                ],
            }
            if x_groq is not None:
                data["x_groq"] = x_groq
            if top_usage is not None:
                data["usage"] = top_usage
            return f"data: {json.dumps(data)}\n\n"

        yield chunk({"role": "assistant", "content": ""}, None, {"id": request_id})
        for piece in _split_pieces(text):
            yield chunk({"content": piece}, None, None)
        yield chunk(
            {},
            "stop",
            {"id": request_id, "usage": usage},
            usage if include_usage else None,
        )
        yield "data: [DONE]\n\n"

    # ------------------------------------------------------------------ Ollama

    async def _ollama_tags(self, request: Request) -> Response:
        await self._record(request)
        return JSONResponse(
            {
                "models": [
                    {
                        "name": self.model,
                        "model": self.model,
                        "modified_at": _iso_now(),
                        "size": 0,
                        "digest": "0" * 64,
                        "details": {"format": "gguf", "family": "llama"},
                    }
                ]
            }
        )

    async def _ollama_chat(self, request: Request) -> Response:
        entry, body = await self._record(request)
        mode = self._next_mode()
        entry["mode"] = mode
        if mode == "rate_limited":
            return JSONResponse(
                {"error": "rate limit reached"},
                status_code=429,
                headers={"retry-after": self.retry_after},
            )
        if mode == "server_error":
            return JSONResponse({"error": "internal server error"}, status_code=500)
        if mode == "auth":
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        if mode == "hang":
            await self._hang()
            if self.stopping.is_set():
                return JSONResponse({"error": "server shutting down"}, status_code=503)
        body_dict: dict[str, Any] = body if isinstance(body, dict) else {}
        # Ollama streams unless the request says "stream": false.
        stream = body_dict.get("stream", True) is not False
        if mode == "malformed":
            if stream:
                return Response("{not json\n", media_type="application/x-ndjson", status_code=200)
            return Response(MALFORMED_BODY, media_type="application/json")
        if mode == "wrong_shape":
            return JSONResponse(WRONG_SHAPE_BODY)

        model = body_dict.get("model")
        model_name = model if isinstance(model, str) else self.model
        text = self.reply_text
        prompt_eval_count = _estimate_tokens(_prompt_text(body_dict))
        eval_count = _estimate_tokens(text)
        final: dict[str, Any] = {
            "model": model_name,
            "created_at": _iso_now(),
            "message": {"role": "assistant", "content": text},
            "done": True,
            "done_reason": "stop",
            "total_duration": 5_000_000,
            "load_duration": 1_000_000,
            "prompt_eval_count": prompt_eval_count,
            "prompt_eval_duration": 1_000_000,
            "eval_count": eval_count,
            "eval_duration": 3_000_000,
        }
        if not stream:
            return self._body(mode, final)
        return StreamingResponse(
            self._paced(entry, mode, self._ollama_ndjson(model_name, text, final)),
            media_type="application/x-ndjson",
        )

    async def _paced(self, entry: dict[str, Any], mode: Mode, chunks: Iterable[str]) -> AsyncIterator[str]:
        """A streamed answer's chunks: spread over ``trickle_seconds`` in ``trickle`` mode, cut
        half-way in ``broken`` mode; how the stream ended is recorded in ``entry["stream"]``."""
        pieces = list(chunks)
        pause = self.trickle_seconds / max(len(pieces), 1) if mode == "trickle" else 0.0
        entry["stream"] = "streaming"
        try:
            for n, piece in enumerate(pieces):
                if self.stopping.is_set():
                    return
                if mode == "broken" and n == max(len(pieces) // 2, 2):
                    raise ConnectionAbortedError("the fake breaks the stream")
                if n == self.hold_after:
                    entry["held"] = True
                    while not (self.release.is_set() or self.stopping.is_set()):
                        await asyncio.sleep(_STOP_POLL_SECONDS)
                yield piece
                await asyncio.sleep(pause)
            entry["stream"] = "finished"
        finally:
            if entry["stream"] == "streaming":  # cancelled: the client closed the connection
                entry["stream"] = "closed"

    @staticmethod
    def _ollama_ndjson(model: str, text: str, final: dict[str, Any]) -> Iterator[str]:
        for piece in _split_pieces(text):
            line = {
                "model": model,
                "created_at": _iso_now(),
                "message": {"role": "assistant", "content": piece},
                "done": False,
            }
            yield json.dumps(line) + "\n"
        last = dict(final)
        last["created_at"] = _iso_now()
        last["message"] = {"role": "assistant", "content": ""}
        yield json.dumps(last) + "\n"
