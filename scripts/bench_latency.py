"""Warm latency and throughput of the chat path, LLM time excluded.

1. In-process: the chat function's Lambda handler (Mangum) with events/chat.json, questions
   from knowledge/eval.json, the LLM an instant stand-in behind the LLM seam: p50/p95; then the
   same with no LLM (extractive answers, the `make run` default), and what finding the evidence
   and writing the extractive answer adds to a question on top of retrieval.
2. Over HTTP: `folio serve` in its own process, Groq pointed at the local stub server
   (tests/fakes/llm_server.py, another process), 1 and 10 concurrent clients: req/s, p50/p95,
   and the server's RSS.

Each is run twice: with every question distinct (a request number appended, so each one pays
for its embedding) and with the 46 eval questions repeating (the query-embedding cache hits).

    python scripts/bench_latency.py [--requests 300] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from folio.llm import Completion, LLMChain  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable

    from folio.prompt import Message

# The benchmark is one client asking a lot: lift the per-address and session limits (their own cost
# is still paid on every request; scripts/bench_protection.py measures it alone).
UNLIMITED = {
    "FOLIO_IP_BURST_PER_MINUTE": "1000000000",
    "FOLIO_IP_QUESTIONS_PER_HOUR": "1000000000",
    "FOLIO_IP_SESSIONS_PER_WINDOW": "1000000000",
    "FOLIO_MAX_LIVE_SESSIONS": "1000000000",
    "FOLIO_BUDGET_DAILY_LLM_CALLS": "1000000000",
    "FOLIO_BUDGET_DAILY_LLM_TOKENS": "1000000000000",
}
QUESTIONS = [t["query"] for t in json.loads((ROOT / "knowledge" / "eval.json").read_text())["retrieval_tests"]]


class InstantLLM:
    """An LLM that answers at once, citing the first source: only folio's own time is measured."""

    name = "groq"
    model = "instant"

    async def complete(
        self,
        messages: list[Message],  # noqa: ARG002
        *,
        max_tokens: int,  # noqa: ARG002
        temperature: float,  # noqa: ARG002
    ) -> Completion:
        return Completion("From the documents [1].", self.name, self.model, 100, 5, 0.0)

    async def stream(
        self, messages: list[Message], *, max_tokens: int, temperature: float, on_delta: Callable[[str], None]
    ) -> Completion:
        completion = await self.complete(messages, max_tokens=max_tokens, temperature=temperature)
        on_delta(completion.text)
        return completion

    async def aclose(self) -> None:
        return None


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered) * 1000
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000
    return f"p50 {p50:6.2f} ms   p95 {p95:6.2f} ms"


def _question(n: int, distinct: bool) -> str:
    base = QUESTIONS[n % len(QUESTIONS)]
    return f"{base} (request {n})" if distinct else base


def in_process(index: Path, requests: int, distinct: bool, *, llm: bool = True) -> None:
    from folio.cli import LambdaContext
    from folio.handlers import lambda_handler
    from folio.runtime import Runtime
    from folio.settings import Settings
    from functions.chat.app import create_app

    limits: dict[str, Any] = {key.removeprefix("FOLIO_").lower(): int(value) for key, value in UNLIMITED.items()}
    settings = Settings(_env_file=None, index_uri=str(index), log_level="ERROR", **limits)
    chain = LLMChain([InstantLLM()] if llm else [])
    handler = lambda_handler(create_app(settings, Runtime(settings, chain=chain)))
    event = json.loads((ROOT / "events" / "chat.json").read_text())
    timings = []
    for n in range(requests + 20):
        event["body"] = json.dumps({"message": _question(n, distinct)})
        started = time.perf_counter()
        response = handler(event, LambdaContext("folio-chat"))
        if n >= 20:
            timings.append(time.perf_counter() - started)
        assert response["statusCode"] == 200, response
    label = ("distinct" if distinct else "repeated") + ("" if llm else ", no LLM (extractive)")
    sys.stdout.write(f"in-process chat handler (Mangum), {requests} {label} questions: {_percentiles(timings)}\n")


def extractive_cost(index: Path) -> None:
    """What the answer path adds to a question once its passages are retrieved: the evidence
    (the answerability check, run before any LLM call) and the extractive answer."""
    from folio.answering import Answerer
    from folio.index import Index
    from folio.retrieval import Retriever
    from folio.runtime import _shared_embedder

    embedder = _shared_embedder(None, None, 256, 32)
    answerer = Answerer(Retriever(Index(str(index)), embedder), LLMChain([]), owner="Maya Okonkwo-Lindqvist")
    questions = [t["query"] for t in json.loads((ROOT / "knowledge" / "eval.json").read_text())["answer_tests"]]

    async def run() -> tuple[list[float], list[float]]:
        for question in questions:  # warm: query embeddings cached, so both timings skip the model
            await answerer.answer(question)
        retrieval, answer = [], []
        for _ in range(5):
            for question in questions:
                started = time.perf_counter()
                await answerer.retriever.retrieve(question)
                retrieval.append(time.perf_counter() - started)
                started = time.perf_counter()
                await answerer.answer(question)
                answer.append(time.perf_counter() - started)
        return retrieval, answer

    retrieval, answer = asyncio.run(run())
    added = statistics.median(answer) - statistics.median(retrieval)
    sys.stdout.write(
        f"answer path, {len(questions)} answer-test questions (embeddings cached):\n"
        f"  retrieval alone                        {_percentiles(retrieval)}\n"
        f"  retrieval + evidence + extractive text {_percentiles(answer)}   added p50 {added * 1000:.2f} ms\n"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


async def _load(url: str, clients: int, seconds: float, distinct: bool) -> tuple[int, list[float], int]:
    timings: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=httpx.Limits(max_connections=clients)) as http:

        async def worker(offset: int) -> None:
            nonlocal errors
            n = offset
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await http.post("/api/chat", json={"message": _question(n, distinct)})
                timings.append(time.perf_counter() - started)
                errors += response.status_code != 200
                n += clients

        await asyncio.gather(*(worker(i) for i in range(clients)))
    return len(timings), timings, errors


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> tuple[float, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    field = {line.split(":")[0]: line.split()[1] for line in status.splitlines() if line.startswith("Vm")}
    return int(field["VmRSS"]) / 1024, int(field["VmHWM"]) / 1024


def over_http(index: Path, seconds: float) -> None:
    stub_port, port = _free_port(), _free_port()
    stub_code = (
        "import sys, time; sys.path.insert(0, sys.argv[1]); from tests.fakes.llm_server import FakeLLM\n"
        "f = FakeLLM(); f.reply_text = 'From the documents [1].'\n"
        "import uvicorn; uvicorn.run(f.app, host='127.0.0.1', port=int(sys.argv[2]), log_level='error')"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FOLIO_", "GROQ_", "OLLAMA_"))}
    stub = subprocess.Popen([sys.executable, "-c", stub_code, str(ROOT), str(stub_port)], env=env)
    env.update(GROQ_API_KEY="gsk_bench_stub", GROQ_BASE_URL=f"http://127.0.0.1:{stub_port}", FOLIO_LOG_LEVEL="ERROR")
    env.update(UNLIMITED)
    server = subprocess.Popen(
        [sys.executable, "-m", "folio.cli", "serve", "--index", str(index), "--port", str(port)],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(f"http://127.0.0.1:{stub_port}/api/tags")
        _wait(f"http://127.0.0.1:{port}/health/ready")
        url = f"http://127.0.0.1:{port}"
        asyncio.run(_load(url, 4, 2, distinct=True))  # warm-up
        for distinct in (True, False):
            for clients in (1, 10):
                cpu = _cpu_seconds(server.pid)
                count, timings, errors = asyncio.run(_load(url, clients, seconds, distinct))
                cpu_ms = (_cpu_seconds(server.pid) - cpu) / max(count, 1) * 1000
                sys.stdout.write(
                    f"HTTP, {'distinct' if distinct else 'repeated'} questions, {clients:2d} client(s), "
                    f"{seconds:.0f} s: {count / seconds:6.1f} req/s   {_percentiles(timings)}   "
                    f"server CPU {cpu_ms:.1f} ms/req   errors {errors}\n"
                )
        rss, peak = _rss_mb(server.pid)
        sys.stdout.write(f"folio serve RSS {rss:.0f} MB (peak {peak:.0f} MB)\n")
    finally:
        for process in (server, stub):
            process.terminate()
            process.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--index", type=Path)
    args = parser.parse_args()
    from scripts.bench_support import sample_index

    index = sample_index(args.index)
    in_process(index, args.requests, distinct=True)
    in_process(index, args.requests, distinct=False)
    in_process(index, args.requests, distinct=True, llm=False)
    extractive_cost(index)
    over_http(index, args.seconds)


if __name__ == "__main__":
    main()
