"""POST /api/chat with Accept: text/event-stream, over real HTTP (uvicorn) and the Lambda handler."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from folio.cli import combined_app
from tests.support.lambdas import load_event
from tests.support.limits import NO_LIMITS
from tests.support.servers import UvicornServer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from folio.runtime import Runtime
    from folio.settings import Settings
    from tests.fakes.llm_server import FakeLLM

QUESTION = {"message": "What grade did she get in Database Internals?"}
SSE = {"accept": "text/event-stream"}
KEY = "site-key-0123456789abcdef"
CITED = "She got an A- [2] in Database Internals, a course on storage engines and query planning."


@dataclass
class Stream:
    status: int
    headers: httpx.Headers
    events: list[tuple[str, Any]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    comments: int = 0

    def names(self) -> list[str]:
        return [name for name, _ in self.events]

    def data(self, name: str) -> list[Any]:
        return [data for n, data in self.events if n == name]

    def text(self) -> str:
        return "".join(d["text"] for d in self.data("token"))

    def done(self) -> dict[str, Any]:
        (done,) = self.data("done")
        assert isinstance(done, dict)
        return done

    def first(self, name: str) -> float:
        return self.times[self.names().index(name)]


def parse(lines: Iterable[str], stream: Stream, *, until: str | None = None) -> Stream:
    """Read SSE lines into `stream` (each event with its arrival time); stop after event `until`."""
    name, data = "message", ""
    for line in lines:
        if line.startswith(":"):
            stream.comments += 1
        elif line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            data = line.removeprefix("data: ")
        elif line == "" and data:
            stream.events.append((name, json.loads(data)))
            stream.times.append(time.monotonic())
            if name == until:
                break
            name, data = "message", ""
    return stream


def ask(client: httpx.Client, body: dict[str, Any] | None = None, **headers: str) -> Stream:
    with client.stream("POST", "/api/chat", json=body or QUESTION, headers={**SSE, **headers}) as response:
        stream = Stream(response.status_code, response.headers)
        if response.status_code == 200:
            parse(response.iter_lines(), stream)
        else:
            response.read()
            stream.events.append(("json", response.json()))
    return stream


def _groq(fake: FakeLLM, **more: Any) -> dict[str, Any]:
    return {"groq_api_key": "gsk_fake_key_for_tests", "groq_base_url": fake.url, "llm_max_retries": 0, **more}


def test_a_groq_answer_streams_sources_then_tokens_then_done(
    serve: Callable[..., httpx.Client], fake_llm: FakeLLM
) -> None:
    fake_llm.reply_text = CITED
    client = serve(**_groq(fake_llm))
    stream = ask(client)
    assert stream.status == 200
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert stream.headers["x-accel-buffering"] == "no" and stream.headers["cache-control"] == "no-cache"
    assert stream.headers["ratelimit-limit"]
    names = stream.names()
    assert names[0] == "sources" and names[-1] == "done" and names.count("done") == 1
    assert set(names[1:-1]) == {"token"} and len(names) > 4, names
    (sources,) = stream.data("sources")
    done = stream.done()
    assert sources["session_id"] == done["session_id"] and sources["request_id"] == done["request_id"]
    assert sources["request_id"] == stream.headers["x-request-id"]
    assert len(sources["sources"]) >= 2  # what the LLM was given, numbered as it saw them
    assert done["provider"] == "groq" and done["grounded"] is True and done["cached"] is False
    assert done["answer"] == CITED.replace("[2]", "[1]")  # renumbered, as the JSON route does
    assert [s["n"] for s in done["sources"]] == [1]
    assert stream.text() == done["answer"]
    assert fake_llm.chat_requests()[0]["json"]["stream"] is True


def test_done_is_what_the_json_route_returns_and_a_cached_answer_streams_as_one_token(
    serve: Callable[..., httpx.Client], fake_llm: FakeLLM
) -> None:
    fake_llm.reply_text = CITED
    client = serve(**_groq(fake_llm))
    plain = client.post("/api/chat", json=QUESTION).json()
    assert plain["cached"] is False
    stream = ask(client)  # the same first question: the answer cache has it
    assert stream.names() == ["sources", "token", "done"]
    done = stream.done()
    assert done["cached"] is True and fake_llm.calls == 1
    same = {"answer", "sources", "grounded", "provider"}
    assert {k: done[k] for k in same} == {k: plain[k] for k in same}
    assert set(done) == set(plain)
    assert stream.data("sources")[0]["sources"] == done["sources"]
    assert stream.text() == done["answer"]


def test_an_uncited_streamed_reply_is_never_shown_and_done_is_the_refusal(
    serve: Callable[..., httpx.Client], fake_llm: FakeLLM
) -> None:
    fake_llm.reply_text = "She did very well in that course and loved every minute of it."
    stream = ask(serve(**_groq(fake_llm)))
    assert stream.names() == ["sources", "token", "done"]
    done = stream.done()
    assert done["grounded"] is False and done["sources"] == [] and done["provider"] == "groq"
    assert stream.text() == done["answer"] and "loved" not in stream.text()


def test_a_hostile_reply_streams_as_plain_text(serve: Callable[..., httpx.Client], fake_llm: FakeLLM) -> None:
    fake_llm.reply_text = (
        "She got an A- [2] <script>alert(1)</script> in the course <img src=x onerror=alert(2)> "
        "and [more here](javascript:alert(3)) plus <a href='https://evil.example'>this</a> [1]."
    )
    stream = ask(serve(**_groq(fake_llm)))
    streamed = stream.text()
    assert streamed == stream.done()["answer"]
    for bad in ("<", ">", "javascript", "alert", "onerror", "evil.example"):
        assert bad not in streamed, bad


def test_without_an_llm_the_extractive_answer_is_sources_one_token_done(serve: Callable[..., httpx.Client]) -> None:
    stream = ask(serve())
    assert stream.names() == ["sources", "token", "done"]
    done = stream.done()
    assert done["provider"] == "extractive" and "DSY518" in done["answer"]
    assert stream.text() == done["answer"]


def test_a_provider_failing_before_its_first_token_falls_through_to_the_next(
    serve: Callable[..., httpx.Client], fake_llm: FakeLLM
) -> None:
    fake_llm.reply_text = CITED
    fake_llm.script = ["server_error"]
    stream = ask(serve(**_groq(fake_llm, ollama_url=fake_llm.url)))
    assert stream.done()["provider"] == "ollama" and stream.text() == stream.done()["answer"]
    assert [r["path"] for r in fake_llm.chat_requests()] == ["/openai/v1/chat/completions", "/api/chat"]


def test_a_provider_breaking_mid_stream_ends_with_the_extractive_answer(
    serve: Callable[..., httpx.Client], fake_llm: FakeLLM
) -> None:
    fake_llm.reply_text = "An A- [2] in the course, with distinction."
    fake_llm.script = ["broken"]
    stream = ask(serve(**_groq(fake_llm, ollama_url=fake_llm.url)))
    done = stream.done()
    assert done["provider"] == "extractive" and "DSY518" in done["answer"]
    assert stream.data("token")[0]["text"] == "An A- [1]"  # shown before it broke; done replaces it
    assert fake_llm.calls == 1  # Ollama cannot take over a reply half shown


def test_errors_before_the_stream_are_the_usual_json_errors(serve: Callable[..., httpx.Client]) -> None:
    client = serve(api_keys=[KEY], ip_burst_per_minute=1, max_body_bytes=1024)
    assert ask(client, QUESTION).status == 401
    wrong = ask(client, {"message": ""}, **{"x-api-key": KEY})
    assert wrong.status == 422 and wrong.data("json")[0]["error"]["code"] == "validation_error"
    big = ask(client, {"message": "x" * 2000}, **{"x-api-key": KEY})
    assert big.status == 413
    assert ask(client, QUESTION, **{"x-api-key": KEY}).status == 200
    limited = ask(client, QUESTION, **{"x-api-key": KEY})
    assert limited.status == 429 and limited.headers["retry-after"]
    assert limited.headers["content-type"].startswith("application/json")
    assert limited.data("json")[0]["error"]["code"] == "rate_limited"


def test_tokens_arrive_before_the_answer_is_complete(serve: Callable[..., httpx.Client], fake_llm: FakeLLM) -> None:
    fake_llm.reply_text = CITED
    fake_llm.mode = "trickle"
    fake_llm.trickle_seconds = 2.0
    stream = ask(serve(**_groq(fake_llm)))
    assert stream.done()["provider"] == "groq"
    assert stream.done()["answer"] == stream.text()
    assert stream.first("done") - stream.first("token") > 1.0


def test_keep_alive_comments_while_the_llm_is_silent(serve: Callable[..., httpx.Client], fake_llm: FakeLLM) -> None:
    fake_llm.reply_text = CITED
    fake_llm.mode = "hang"
    fake_llm.hang_seconds = 1.0
    stream = ask(serve(**_groq(fake_llm), stream_keepalive_seconds=0.2))
    assert stream.comments >= 3
    assert stream.done()["provider"] == "groq"


def test_a_client_that_leaves_closes_the_llm_call(serve: Callable[..., httpx.Client], fake_llm: FakeLLM) -> None:
    fake_llm.reply_text = CITED
    fake_llm.mode = "trickle"
    fake_llm.trickle_seconds = 8.0
    client = serve(**_groq(fake_llm))
    with client.stream("POST", "/api/chat", json=QUESTION, headers=SSE) as response:
        stream = parse(response.iter_lines(), Stream(response.status_code, response.headers), until="token")
    assert stream.names()[-1] == "token"
    (_,) = fake_llm.chat_requests()
    assert fake_llm.wait_stream_ended(3)["stream"] == "closed"


def test_a_follow_up_stream_remembers_the_conversation(serve: Callable[..., httpx.Client], fake_llm: FakeLLM) -> None:
    fake_llm.reply_text = CITED
    client = serve(**_groq(fake_llm))
    first = ask(client).done()
    follow_up = ask(client, {"message": "Which grade was that again?", "session_id": first["session_id"]})
    assert follow_up.done()["session_id"] == first["session_id"]
    prompt = json.dumps(fake_llm.chat_requests()[1]["json"]["messages"])
    assert "storage engines and query planning" in prompt  # the first answer, from the session's memory


def test_the_budget_and_metrics_count_streams_as_json_answers(
    serve: Callable[..., httpx.Client], fake_llm: FakeLLM
) -> None:
    fake_llm.reply_text = CITED
    client = serve(**_groq(fake_llm), budget_daily_llm_calls=1)
    assert ask(client).done()["provider"] == "groq"
    assert ask(client, {"message": "What was her Database Internals grade?"}).done()["provider"] == "extractive"
    assert fake_llm.calls == 1  # the day's one LLM call is spent
    metrics = client.get("/metrics").text
    answers = [line for line in metrics.splitlines() if line.startswith("folio_answers")]
    assert any('provider="groq"' in line for line in answers), metrics
    assert any('provider="extractive"' in line for line in answers), metrics


@pytest.fixture
def uvicorn_app(
    make_settings: Callable[..., Settings], make_runtime: Callable[[Settings], Runtime]
) -> Iterator[Callable[..., str]]:
    servers: list[UvicornServer] = []

    def start(**overrides: Any) -> str:
        settings = make_settings(**overrides)
        servers.append(UvicornServer(combined_app(settings, make_runtime(settings))).start())
        return servers[-1].url

    yield start
    for server in servers:
        server.stop()


def test_100_concurrent_streams_against_a_slow_llm(uvicorn_app: Callable[..., str], fake_llm: FakeLLM) -> None:
    fake_llm.reply_text = CITED
    fake_llm.mode = "trickle"
    fake_llm.trickle_seconds = 2.0
    # 100 connections opened at once to one small fake server: the connect timeout is not what
    # this test is about, so it gets the room a loaded 2-core machine needs.
    url = uvicorn_app(**_groq(fake_llm, llm_connect_timeout_seconds=15), **NO_LIMITS)

    async def one(client: httpx.AsyncClient, n: int) -> Stream:
        body = {"message": f"What grade did she get in Database Internals? ({n})"}
        async with client.stream("POST", "/api/chat", json=body, headers=SSE) as response:
            lines = [line async for line in response.aiter_lines()]
        return parse(lines, Stream(response.status_code, response.headers))

    async def all_of_them() -> list[Stream]:
        limits = httpx.Limits(max_connections=120)
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
            return await asyncio.gather(*(one(client, n) for n in range(100)))

    started = time.monotonic()
    streams = asyncio.run(all_of_them())
    elapsed = time.monotonic() - started
    assert all(s.status == 200 for s in streams)
    assert all(s.names()[0] == "sources" and s.names()[-1] == "done" for s in streams)
    assert {s.done()["provider"] for s in streams} == {"groq"}
    assert all(s.text() == s.done()["answer"] for s in streams)
    assert fake_llm.calls == 100
    assert elapsed < 30, "the streams ran one after another"


def test_lambda_handler_buffers_the_stream_into_one_body(invoke: Any) -> None:
    handler = invoke("chat")
    response = handler(load_event("chat.json", headers=SSE))
    assert response["statusCode"] == 200
    assert response["headers"]["content-type"].startswith("text/event-stream")
    stream = parse(response["body"].split("\n"), Stream(200, httpx.Headers(response["headers"])))
    assert stream.names() == ["sources", "token", "done"]
    assert stream.done()["provider"] == "extractive"
    invalid = handler(load_event("chat.json", headers=SSE, body='{"message": ""}'))
    assert invalid["statusCode"] == 422 and invalid["headers"]["content-type"] == "application/json"


def test_openapi_documents_the_stream_and_its_events(serve: Callable[..., httpx.Client]) -> None:
    spec = serve().get("/openapi.json").json()
    ok = spec["paths"]["/api/chat"]["post"]["responses"]["200"]["content"]
    assert set(ok) == {"application/json", "text/event-stream"}
    events = ok["text/event-stream"]["schema"]["x-events"]
    assert list(events) == ["sources", "token", "error", "done"]
    schemas = spec["components"]["schemas"]
    for ref in events.values():
        assert ref["$ref"].rsplit("/", 1)[-1] in schemas
    assert "text/event-stream" in spec["paths"]["/api/chat"]["post"]["description"]
