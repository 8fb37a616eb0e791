"""A chat turn as Server-Sent Events: `POST /api/chat` with `Accept: text/event-stream`.

Events, in order: `sources` (the passages retrieved, with session_id and request_id), `token`
(pieces of the answer's text), at most one `error` (the error shape), and always exactly one
`done`, carrying what the JSON route would have returned (the ChatResponse, or the error body).
The `done` answer is the one to keep: it replaces the streamed text when the two differ (the
reply turned out ungrounded, or its provider failed mid-way).

Starlette's StreamingResponse sends it: it cancels the body when the client disconnects, which
cancels the answer's task and so closes the LLM's connection. The answer runs in a task of its
own so that its deadlines never span our sends to the client.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import TYPE_CHECKING, Any

from starlette.responses import StreamingResponse

from folio.answering import CitedSource, public_source
from folio.errors import FolioError
from folio.http import error_body
from folio.schemas import ChatResponse, ErrorBody, StreamSources, StreamToken

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

    from folio.answering import Listener
    from folio.retrieval import Passage
    from folio.runtime import Runtime
    from folio.schemas import ChatRequest, Source

log = logging.getLogger(__name__)
KEEPALIVE = ": keep-alive\n\n"
HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
_REFUSED = re.compile(r";\s*q\s*=\s*0(?:\.0*)?\s*(?:;|$)")
STREAM_EVENTS = (("sources", StreamSources), ("token", StreamToken), ("error", ErrorBody), ("done", ChatResponse))
STREAM_DESCRIPTION = (
    "With `Accept: text/event-stream` the answer streams as Server-Sent Events (README, Streaming): "
    "sources, token..., an error if one happens mid-way, then always exactly one done carrying this "
    "response (or the error body); the done answer replaces the streamed text. Errors before the "
    "stream starts are the usual JSON errors with their status."
)
# The answers being made for open streams: the event loop keeps only weak references to tasks.
_answering: set[asyncio.Task[None]] = set()


def wants_stream(accept: str) -> bool:
    """Whether an Accept header asks for text/event-stream (and does not refuse it with q=0)."""
    for part in accept.lower().split(","):
        media, _, params = part.partition(";")
        if media.strip() == "text/event-stream":
            return not _REFUSED.search(f";{params}")
    return False


def event(name: str, data: dict[str, Any]) -> str:
    # json.dumps escapes line breaks: each event's data is one line.
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}\n\n"


class TurnEvents:
    """The Listener of one answer: puts its events on a queue the response reads."""

    def __init__(self, *, session_id: str, request_id: str) -> None:
        self.session_id = session_id
        self.request_id = request_id
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.streamed = ""
        self._sources_sent = False

    def retrieved(self, passages: Sequence[Passage]) -> None:
        self._sources([public_source(CitedSource(n, p)) for n, p in enumerate(passages, 1)])

    def text(self, delta: str) -> None:
        self.streamed += delta
        self.queue.put_nowait(event("token", {"text": delta}))

    def finish(self, response: ChatResponse) -> None:
        """The last events: a cached, extractive or refused answer arrives here as one token."""
        self._sources(response.sources)
        if not self.streamed:
            self.text(response.answer)
        elif response.answer.startswith(self.streamed) and response.answer != self.streamed:
            self.text(response.answer[len(self.streamed) :])
        self._end(response.model_dump(mode="json"))

    def fail(self, exc: FolioError) -> None:
        self._sources([])
        body = error_body(exc, self.request_id)
        self.queue.put_nowait(event("error", body))
        self._end(body)

    def _sources(self, sources: Sequence[Source]) -> None:
        if not self._sources_sent:
            self._sources_sent = True
            data = {
                "sources": [s.model_dump(mode="json") for s in sources],
                "session_id": self.session_id,
                "request_id": self.request_id,
            }
            self.queue.put_nowait(event("sources", data))

    def _end(self, body: dict[str, Any]) -> None:
        self.queue.put_nowait(event("done", body))
        self.queue.put_nowait(None)


async def streamed_turn(rt: Runtime, request: ChatRequest, *, client: str, request_id: str) -> StreamingResponse:
    """The limits first (their refusals are the usual JSON errors), then the answer's events, with
    a keep-alive comment after each quiet interval."""
    chat, keepalive_seconds = rt.chat, rt.settings.stream_keepalive_seconds
    admitted = await chat.admit(request, client=client)

    def answer(listener: Listener) -> Awaitable[ChatResponse]:
        return chat.respond(request, admitted, request_id=request_id, listener=listener)

    events = TurnEvents(session_id=admitted.session_id, request_id=request_id)
    body = event_lines(answer, events, keepalive_seconds)
    return StreamingResponse(body, media_type="text/event-stream", headers={**admitted.headers, **HEADERS})


async def event_lines(
    answer: Callable[[Listener], Awaitable[ChatResponse]], events: TurnEvents, keepalive_seconds: float
) -> AsyncIterator[str]:
    """The encoded events of `answer`, which runs in a task of its own: closing this cancels it."""
    task = asyncio.create_task(_run(answer, events))
    _answering.add(task)
    task.add_done_callback(_answering.discard)
    try:
        while True:
            try:
                async with asyncio.timeout(keepalive_seconds):
                    item = await events.queue.get()
            except TimeoutError:
                yield KEEPALIVE
                continue
            if item is None:
                return
            yield item
    finally:
        task.cancel()  # the client left (or the stream ended): nobody waits for the rest


async def _run(answer: Callable[[Listener], Awaitable[ChatResponse]], events: TurnEvents) -> None:
    try:
        response = await answer(events)
    except FolioError as exc:
        events.fail(exc)
        return
    except Exception:
        # The response has started: the error is told in the stream, which still ends with done.
        log.exception("unhandled error in a chat stream")
        events.fail(FolioError())
        return
    events.finish(response)
