"""Lambda response streaming against the Runtime API fake (tests/fakes/lambda_runtime.py), in-process.

1. Time to the first token: the chat function's handler answers events/chat-stream.json through
   folio.runtime_api while Groq (the fake LLM server) sends its reply's chunks spread over
   --llm-seconds. Measured at the fake Runtime API: when the `sources` event and the first `token`
   event arrive, and when the response is complete. A buffered Function URL sends nothing before
   the last of these.
2. What streaming costs: the JSON route (events/chat.json, extractive answers, no LLM) answered
   through the Runtime API both ways, buffered (Mangum, one POST) and streamed (folio.runtime_api,
   a chunked POST on a new connection): p50/p95 per invocation, the Runtime API's side included.

    python scripts/bench_lambda_stream.py [--runs 10] [--requests 200] [--llm-seconds 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# One client asking a lot: the limits lifted (scripts/bench_protection.py measures their cost).
UNLIMITED: dict[str, Any] = {
    "ip_burst_per_minute": 10**9,
    "ip_questions_per_hour": 10**9,
    "ip_sessions_per_window": 10**9,
    "max_live_sessions": 10**9,
    "session_questions_per_hour": 10**9,
    "budget_daily_llm_calls": 10**9,
    "budget_daily_llm_tokens": 10**12,
}
REPLY = "She got an A- [1] in Database Internals, a course on storage engines and query planning."


def _handler(index: Path, **settings: Any) -> Any:
    from folio.handlers import lambda_handler
    from folio.runtime import Runtime
    from folio.settings import Settings
    from functions.chat.app import create_app

    s = Settings(_env_file=None, index_uri=str(index), log_level="ERROR", cache_ttl_seconds=0, **UNLIMITED, **settings)
    return lambda_handler(create_app(s, Runtime(s)))


def _event(name: str, n: int) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((ROOT / "events" / name).read_text())
    event["body"] = json.dumps({"message": f"What grade did she get in Database Internals? (request {n})"})
    return event


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"


def first_token(index: Path, runs: int, llm_seconds: float) -> None:
    from folio.runtime_api import FunctionConfig, RuntimeApi, answer
    from tests.fakes.lambda_runtime import FakeLambdaRuntime
    from tests.fakes.llm_server import FakeLLM

    function = FunctionConfig.from_environ({"AWS_LAMBDA_FUNCTION_NAME": "folio-chat"})
    sources, tokens, complete = [], [], []
    with FakeLLM(mode="trickle", trickle_seconds=llm_seconds) as llm, FakeLambdaRuntime() as fake:
        llm.reply_text = REPLY
        handler = _handler(index, groq_api_key="gsk_bench_stub", groq_base_url=llm.url, llm_max_retries=0)
        api = RuntimeApi(fake.address)
        for n in range(runs + 1):
            request_id = fake.invoke(_event("chat-stream.json", n))
            worker = threading.Thread(target=lambda: answer(api, api.next(), handler, function, {}))
            started = time.perf_counter()
            worker.start()
            fake.wait_received(request_id, b"event: sources", timeout=60)
            seen_sources = time.perf_counter()
            fake.wait_received(request_id, b"event: token", timeout=60)
            seen_token = time.perf_counter()
            outcome = fake.outcome(request_id, timeout=60)
            done = time.perf_counter()
            worker.join()
            assert outcome.streamed is not None and not outcome.streamed.problems, outcome
            if n:  # the first one warms the LLM client's connection
                sources.append(seen_sources - started)
                tokens.append(seen_token - started)
                complete.append(done - started)
        api.close()
    sys.stdout.write(
        f"streamed chat answer, LLM reply spread over {llm_seconds:g} s ({runs} runs), at the Runtime API:\n"
    )
    sys.stdout.write(
        f"  sources event  {_ms(sources)}\n  first token    {_ms(tokens)}\n  complete       {_ms(complete)}\n"
    )


def overhead(index: Path, requests: int) -> None:
    from folio.cli import LambdaContext
    from folio.runtime_api import FunctionConfig, RuntimeApi, answer
    from tests.fakes.lambda_runtime import FakeLambdaRuntime

    function = FunctionConfig.from_environ({"AWS_LAMBDA_FUNCTION_NAME": "folio-chat"})
    handler = _handler(index)
    buffered, streamed = [], []
    with FakeLambdaRuntime() as fake:
        api = RuntimeApi(fake.address)
        for n in range(requests + 20):
            # Each question new to both ways (its embedding not cached), asked in turn.
            request_id = fake.invoke(_event("chat.json", 2 * n))
            invocation = api.next()
            started = time.perf_counter()
            api.respond(invocation.request_id, handler(json.loads(invocation.event), LambdaContext("folio-chat")))
            fake.outcome(request_id, timeout=60)
            if n >= 20:
                buffered.append(time.perf_counter() - started)
            request_id = fake.invoke(_event("chat.json", 2 * n + 1))
            invocation = api.next()
            started = time.perf_counter()
            answer(api, invocation, handler, function, {})
            outcome = fake.outcome(request_id, timeout=60)
            if n >= 20:
                streamed.append(time.perf_counter() - started)
            assert outcome.streamed is not None and outcome.streamed.status == 200, outcome
        api.close()
    sys.stdout.write(f"JSON route through the Runtime API, {requests} distinct extractive questions each way:\n")
    sys.stdout.write(f"  buffered (Mangum, one POST)        {_ms(buffered)}\n")
    sys.stdout.write(f"  streamed (folio.runtime_api)       {_ms(streamed)}\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--llm-seconds", type=float, default=2.0)
    args = parser.parse_args()
    from scripts.bench_support import sample_index

    index = sample_index()
    first_token(index, args.runs, args.llm_seconds)
    overhead(index, args.requests)


if __name__ == "__main__":
    main()
