"""What a visitor sees of a streaming reply, and the events a stream is made of."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING

import pytest

from folio.answers.grounding import StreamedReply, grounded_reply
from folio.errors import FolioError, RateLimited
from folio.markup import plain_text
from folio.streaming import TurnEvents, event_lines, wants_stream

if TYPE_CHECKING:
    from folio.answering import Listener
    from folio.schemas import ChatResponse


def _feed(reply: str, available: int = 3, size: int = 3) -> list[str]:
    """The reply fed in pieces of `size` characters; what each piece made visible."""
    streamed = StreamedReply(available)
    return [streamed.feed(reply[i : i + size]) for i in range(0, len(reply), size)]


@pytest.mark.parametrize("size", [1, 2, 5, 11])
def test_a_cited_reply_streams_exactly_the_final_answer(size: int) -> None:
    reply = "She holds an MSc [2] and led the <b>data</b> team (four people) [3], see [her site](http://x.example)."
    shown = "".join(_feed(reply, size=size))
    text, _ = grounded_reply(reply, 3) or ("", [])
    final = plain_text(text)
    assert final.startswith(shown) and len(shown) > len(final) // 2
    assert "<b>" not in shown and "http://" not in shown and "[2]" in shown  # [3] renumbered to [2]


def test_nothing_is_shown_before_the_first_valid_citation() -> None:
    pieces = _feed("Some words that cite nothing yet and then an invented [9] one and a real [1] one. ", size=4)
    joined = "".join(pieces)
    assert joined.startswith("Some words that cite nothing yet")  # shown at once, all of it, once cited
    first = next(i for i, p in enumerate(pieces) if p)
    assert first >= len("Some words that cite nothing yet and then an invented [9] one and a real [1]") // 4


def test_an_uncited_reply_shows_nothing() -> None:
    assert set(_feed("She was great at everything she did, truly remarkable. ")) == {""}


def test_a_reply_that_says_it_is_not_covered_stops_showing() -> None:
    shown = "".join(_feed("An A- [1] in the course, but I do not have information about the thesis. "))
    assert shown.startswith("An A- [1]") and "information" not in shown


def test_tags_and_links_still_arriving_are_held_back() -> None:
    streamed = StreamedReply(2)
    assert streamed.feed("Cited [1] and <scr") == "Cited [1] and"
    assert streamed.feed("ipt>alert(1)</scr") == ""
    assert streamed.feed("ipt> then [a link](javascript:") == "  then"  # the link is still open
    assert streamed.feed("alert(1)) done. ") == " a link done."


@pytest.mark.parametrize(
    ("accept", "wanted"),
    [
        ("text/event-stream", True),
        ("application/json, text/event-stream;q=0.9", True),
        ("TEXT/EVENT-STREAM", True),
        ("text/event-stream;q=0", False),
        ("application/json", False),
        ("*/*", False),
        ("", False),
    ],
)
def test_the_stream_is_asked_for_in_accept(accept: str, wanted: bool) -> None:
    assert wants_stream(accept) is wanted


def _events(answer: object) -> list[tuple[str, dict[str, object]]]:
    async def go() -> list[str]:
        events = TurnEvents(session_id="s1", request_id="r1")
        return [line async for line in event_lines(answer, events, 5.0)]  # type: ignore[arg-type]

    parsed = []
    for chunk in asyncio.run(go()):
        name, data = chunk.strip().split("\n")
        parsed.append((name.removeprefix("event: "), json.loads(data.removeprefix("data: "))))
    return parsed


def test_an_error_during_the_stream_is_an_error_event_then_done() -> None:
    async def answer(listener: Listener) -> ChatResponse:
        listener.retrieved([])
        listener.text("An A- [1]")
        raise RateLimited("The owner's daily budget is spent.")

    events = _events(answer)
    assert [name for name, _ in events] == ["sources", "token", "error", "done"]
    error = {"error": {"code": "rate_limited", "message": "The owner's daily budget is spent.", "request_id": "r1"}}
    assert events[2][1] == error and events[3][1] == error


def test_an_unexpected_error_is_told_as_internal_and_the_stream_still_ends_with_done(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def answer(_listener: Listener) -> ChatResponse:
        raise RuntimeError("/srv/secret/path exploded")

    events = _events(answer)
    assert [name for name, _ in events] == ["sources", "error", "done"]
    assert events[1][1]["error"]["code"] == FolioError.code  # type: ignore[index]
    assert "/srv/secret" not in json.dumps(events)
    assert "unhandled error in a chat stream" in caplog.text
