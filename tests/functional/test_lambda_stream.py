"""Lambda response streaming (InvokeMode RESPONSE_STREAM): the functions' handlers answering through
folio.runtime_api, the real client, against the Runtime API fake that checks the protocol byte for
byte (tests/fakes/lambda_runtime.py). The whole process is run in tests/e2e/test_entrypoint.py.

GIVEN a function's handler, wired as functions/<name>/handler.py wires it
WHEN the fake queues an invocation and the runtime loop answers it
THEN an HTTP event's response is streamed: the prelude, 8 NUL bytes, the body as the app sends it,
with no protocol problem; any other event is answered whole, as before.
"""

from __future__ import annotations

import json
import threading
import time
from typing import TYPE_CHECKING, Any

import pytest
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from folio.application import build_app
from folio.handlers import lambda_handler
from folio.runtime_api import FunctionConfig, RuntimeApi, answer
from tests.fakes.lambda_runtime import FakeLambdaRuntime
from tests.support.lambdas import load_event
from tests.support.malformed_events import CASES

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator

    from starlette.requests import Request

    from folio.handlers import LambdaHandler
    from folio.runtime import Runtime
    from folio.settings import Settings
    from tests.fakes.lambda_runtime import Outcome, Streamed
    from tests.fakes.llm_server import FakeLLM

SSE = {"accept": "text/event-stream"}
FUNCTION = FunctionConfig(name="folio-chat", version="$LATEST", memory_mb=2048, log_group="", log_stream="")
CITED = "She got an A- [2] in Database Internals, a course on storage engines and query planning."
WAIT = 60


@pytest.fixture
def fake() -> Iterator[FakeLambdaRuntime]:
    with FakeLambdaRuntime(function_name="folio-chat") as api:
        yield api


def _answer(fake: FakeLambdaRuntime, handler: LambdaHandler, environ: dict[str, str] | None = None) -> None:
    """What the runtime loop does for one invocation (folio.runtime_api.serve, one turn)."""
    api = RuntimeApi(fake.address)
    try:
        answer(api, api.next(), handler, FUNCTION, {} if environ is None else environ)
    finally:
        api.close()


def _run(fake: FakeLambdaRuntime, handler: LambdaHandler, event: Any) -> Outcome:
    request_id = fake.invoke(event)
    _answer(fake, handler)
    return fake.outcome(request_id, timeout=WAIT)


def _streamed(outcome: Outcome) -> Streamed:
    assert outcome.kind == "stream" and outcome.streamed is not None, outcome
    assert outcome.streamed.problems == []
    return outcome.streamed


def _events(text: str) -> list[tuple[str, Any]]:
    found = []
    for block in text.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if not line.startswith(":"))
        if "event" in lines:
            found.append((lines["event"], json.loads(lines["data"])))
    return found


def test_a_streamed_answer_reaches_lambda_before_the_llm_has_finished(
    lambda_handlers: Callable[..., LambdaHandler], fake: FakeLambdaRuntime, fake_llm: FakeLLM
) -> None:
    """The LLM stops after its first words until the test releases it: the sources and the first
    token must have reached the Runtime API by then, in chunks of the open response."""
    fake_llm.reply_text = CITED
    fake_llm.hold_after = 6  # the role chunk and "She got an A- [2] "
    handler = lambda_handlers(
        "chat", groq_api_key="gsk_fake_key_for_tests", groq_base_url=fake_llm.url, llm_max_retries=0
    )
    request_id = fake.invoke(load_event("chat-stream.json"))
    worker = threading.Thread(target=_answer, args=(fake, handler), daemon=True)
    worker.start()
    try:
        so_far = fake.wait_received(request_id, b"event: token", timeout=WAIT)
        llm = fake_llm.wait_held(WAIT)
        assert llm.get("held") and llm["stream"] == "streaming", "the LLM has not finished its answer"
        assert not fake.finished(request_id), "the response is still open"
        prelude, _, body = so_far.partition(b"\0" * 8)
        assert json.loads(prelude)["statusCode"] == 200
        assert [name for name, _ in _events(body.decode())][:2] == ["sources", "token"]
    finally:
        fake_llm.release.set()
        worker.join(WAIT)
    streamed = _streamed(fake.outcome(request_id, timeout=WAIT))
    assert fake_llm.wait_stream_ended(WAIT)["stream"] == "finished"
    assert streamed.status == 200
    assert streamed.headers["content-type"].startswith("text/event-stream")
    assert streamed.headers["x-accel-buffering"] == "no" and streamed.headers["cache-control"] == "no-cache"
    assert streamed.headers["x-request-id"] == "4d7e0b1c-6a2f-4e8b-b3c9-5f0a1d2e3c4b"
    events = _events(streamed.text())
    names = [name for name, _ in events]
    assert names[0] == "sources" and names[-1] == "done" and set(names[1:-1]) == {"token"}
    done = events[-1][1]
    assert done["provider"] == "groq" and done["answer"] == CITED.replace("[2]", "[1]")
    assert "".join(data["text"] for name, data in events if name == "token") == done["answer"]
    assert len(streamed.chunks) >= 4, "the prelude, the sources and the tokens were sent as they came"
    assert streamed.trailers == {}
    assert fake.wait_closed(streamed.client, timeout=5), "the connection is closed after the response"


def test_the_json_route_answers_through_the_same_streaming_path(
    lambda_handlers: Callable[..., LambdaHandler], fake: FakeLambdaRuntime
) -> None:
    streamed = _streamed(_run(fake, lambda_handlers("chat"), load_event("chat.json")))
    assert streamed.status == 200 and streamed.headers["content-type"] == "application/json"
    assert "content-length" not in streamed.headers, "the framing is Lambda's"
    assert streamed.prelude["cookies"] == []
    answer_ = json.loads(streamed.payload)
    assert answer_["grounded"] and "[1]" in answer_["answer"] and answer_["provider"] == "extractive"
    assert answer_["request_id"] == streamed.headers["x-request-id"] == "9f1c2a4e-0b6d-4c1e-9a53-1d2e3f4a5b60"
    assert streamed.headers["x-content-type-options"] == "nosniff"


def test_errors_before_the_stream_are_the_usual_json_errors(
    lambda_handlers: Callable[..., LambdaHandler], fake: FakeLambdaRuntime
) -> None:
    handler = lambda_handlers("chat", api_keys="site-key-0123456789abcdef")
    unauthorized = _streamed(_run(fake, handler, load_event("chat-stream.json")))
    assert unauthorized.status == 401 and unauthorized.headers["content-type"] == "application/json"
    assert json.loads(unauthorized.payload)["error"]["code"] == "unauthorized"
    keyed = {**SSE, "x-api-key": "site-key-0123456789abcdef"}
    invalid = _streamed(_run(fake, handler, load_event("chat.json", headers=keyed, body='{"message": ""}')))
    assert invalid.status == 422 and json.loads(invalid.payload)["error"]["code"] == "validation_error"
    assert invalid.headers["x-request-id"] == json.loads(invalid.payload)["error"]["request_id"]


def test_every_malformed_event_is_answered_not_raised(
    lambda_handlers: Callable[..., LambdaHandler], fake: FakeLambdaRuntime
) -> None:
    """The malformed-event corpus (test_malformed_events.py sends it to the buffered handlers):
    a streamed 400 in the error shape for HTTP-shaped events, the whole "ignored" answer for others."""
    handler = lambda_handlers("chat")
    problems = []
    for case in CASES:
        outcome = _run(fake, handler, case.event)
        if case.kind == "http":
            streamed = outcome.streamed
            if streamed is None or streamed.problems or streamed.status != 400:
                problems.append(f"{case.name}: {outcome}")
            elif json.loads(streamed.payload)["error"]["code"] != "bad_request":
                problems.append(f"{case.name}: {streamed.payload[:200]!r}")
        elif outcome.kind != "response" or outcome.body.get("ignored") != "not an HTTP event":
            problems.append(f"{case.name}: {outcome}")
    assert problems == []


def test_an_event_that_is_not_json_is_an_unmarshal_error(
    lambda_handlers: Callable[..., LambdaHandler], fake: FakeLambdaRuntime
) -> None:
    request_id = fake.invoke_raw(b'{"version": "2.0", "rawPath": ')
    _answer(fake, lambda_handlers("chat"))
    outcome = fake.outcome(request_id, timeout=WAIT)
    assert outcome.kind == "error" and outcome.error_type == "Runtime.UnmarshalError"
    assert outcome.body["errorType"] == "Runtime.UnmarshalError"


def test_a_warm_up_ping_is_answered_whole_with_the_trace_id_set(
    lambda_handlers: Callable[..., LambdaHandler], fake: FakeLambdaRuntime
) -> None:
    request_id = fake.invoke(load_event("warmup.json"))
    environ: dict[str, str] = {}
    _answer(fake, lambda_handlers("chat"), environ)
    outcome = fake.outcome(request_id, timeout=WAIT)
    assert outcome.kind == "response" and outcome.body["ok"] is True
    assert environ["_X_AMZN_TRACE_ID"].startswith("Root=1-")


def test_a_keep_alive_connection_closed_while_idle_is_opened_again(
    lambda_handlers: Callable[..., LambdaHandler],
) -> None:
    """A long invocation leaves the loop's keep-alive connection idle; the Runtime API may close it."""
    handler = lambda_handlers("chat")
    with FakeLambdaRuntime(keep_alive_seconds=1) as fake:
        api = RuntimeApi(fake.address)
        try:
            first = fake.invoke(load_event("warmup.json"))
            answer(api, api.next(), handler, FUNCTION, {})
            time.sleep(2)  # past the fake's keep-alive: it has closed the connection
            second = fake.invoke(load_event("chat.json"))
            answer(api, api.next(), handler, FUNCTION, {})
        finally:
            api.close()
        assert fake.outcome(first, timeout=WAIT).kind == "response"
        assert _streamed(fake.outcome(second, timeout=WAIT)).status == 200


async def _stream_then_fail(_request: Request) -> Response:
    async def body() -> AsyncIterator[bytes]:
        yield b"first piece\n"
        raise RuntimeError("the body broke half-way")

    return StreamingResponse(body(), media_type="text/plain")


async def _fail(_request: Request) -> Response:
    raise RuntimeError("the route broke before answering")


async def _cookies(_request: Request) -> Response:
    response = JSONResponse({"ok": True}, headers={"x-note": "one"})
    response.headers.append("x-note", "two")
    response.set_cookie("first", "1")
    response.set_cookie("second", "2")
    return response


@pytest.fixture
def odd_app_handler(
    make_settings: Callable[..., Settings], make_runtime: Callable[[Settings], Runtime]
) -> LambdaHandler:
    """folio's wiring (middleware, error handlers) around routes that misbehave on purpose."""
    settings = make_settings()
    routes = [Route("/stream-then-fail", _stream_then_fail), Route("/fail", _fail), Route("/cookies", _cookies)]
    return lambda_handler(build_app(routes, [], settings, make_runtime(settings)))


def _get(path: str) -> dict[str, Any]:
    event = load_event("health.json")
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    return event


def test_an_error_once_the_body_has_started_is_told_in_the_trailers(
    odd_app_handler: LambdaHandler, fake: FakeLambdaRuntime, caplog: pytest.LogCaptureFixture
) -> None:
    outcome = _run(fake, odd_app_handler, _get("/stream-then-fail"))
    streamed = _streamed(outcome)
    assert streamed.status == 200 and streamed.payload == b"first piece\n"
    assert streamed.trailers["lambda-runtime-function-error-type"] == "Function.StreamInterrupted"
    error = streamed.error()
    assert error is not None and error["errorType"] == "Function.StreamInterrupted"
    assert "half-way" not in json.dumps(error), "the error's details stay in the log"
    assert any("the body broke half-way" in (r.exc_text or "") for r in caplog.records if r.exc_info)


def test_an_error_before_the_response_is_the_500_error_shape(
    odd_app_handler: LambdaHandler, fake: FakeLambdaRuntime
) -> None:
    streamed = _streamed(_run(fake, odd_app_handler, _get("/fail")))
    assert streamed.status == 500 and streamed.trailers == {}
    error = json.loads(streamed.payload)["error"]
    assert error["code"] == "internal_error" and "broke" not in error["message"]


def test_cookies_and_repeated_headers_in_the_prelude(odd_app_handler: LambdaHandler, fake: FakeLambdaRuntime) -> None:
    streamed = _streamed(_run(fake, odd_app_handler, _get("/cookies")))
    assert streamed.headers["x-note"] == "one, two"
    assert [cookie.split(";")[0] for cookie in streamed.prelude["cookies"]] == ["first=1", "second=2"]
    assert "set-cookie" not in streamed.headers
