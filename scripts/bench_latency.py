"""Warm latency and throughput of the chat path, LLM time excluded.

1. In-process: the chat function's Lambda handler (Mangum) with events/chat.json, questions
   from knowledge/eval.json, the LLM an instant stand-in behind the LLM seam: p50/p95; then the
   same with no LLM (extractive answers, the `make run` default), and what finding the evidence
   and writing the extractive answer adds to a question on top of retrieval.
2. Over HTTP: `folio serve` in its own process on the sample index, once with Groq pointed at the
   local stub server (tests/fakes/llm_server.py, another process) and once with no LLM
   (extractive answers): first its RSS (and peak) after 1,000 distinct answers, then 1 and 10
   concurrent keep-alive clients: req/s, p50/p95 and the server's CPU per request (utime + stime
   of its process from /proc, every thread included), the median of 5 rounds. `--baseline DIR`
   serves another checkout (its own .venv) beside this one, the two interleaved in every round.

Each is run twice: with every question distinct (a request number appended, so each one pays
for its embedding) and with the 46 eval questions repeating (the query-embedding cache hits).

    python scripts/bench_latency.py [--requests 300] [--http-requests 200] [--rounds 5]
                                    [--answers 1000] [--baseline DIR] [--http-only] [--json PATH]
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
# What this run measured, for `--json` (scripts/bench_summary.py reads it).
FIGURES: dict[str, Any] = {"in_process": {}, "http": {}}
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


def _p50_p95(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000


def _percentiles(samples: list[float]) -> str:
    p50, p95 = _p50_p95(samples)
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
    p50, p95 = _p50_p95(timings)
    FIGURES["in_process"][label] = {"p50_ms": p50, "p95_ms": p95}
    sys.stdout.write(f"in-process chat handler (Mangum), {requests} {label} questions: {_percentiles(timings)}\n")


def extractive_cost(index: Path) -> None:
    """What the answer path adds to a question once its passages are retrieved: the evidence
    (the answerability check, run before any LLM call) and the extractive answer."""
    from folio.answering import Answerer
    from folio.embeddings import OnnxEmbedder
    from folio.index import Index
    from folio.retrieval import Retriever
    from folio.settings import Settings

    embedder = OnnxEmbedder.from_settings(Settings(_env_file=None, index_uri=str(index)))
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
    FIGURES["in_process"]["answer path added"] = {"p50_ms": added * 1000}
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


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> tuple[float, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    field = {line.split(":")[0]: line.split()[1] for line in status.splitlines() if line.startswith("Vm")}
    return int(field["VmRSS"]) / 1024, int(field["VmHWM"]) / 1024


class _Connection:
    """One keep-alive HTTP/1.1 connection posting chat questions: a load generator far lighter
    than an HTTP library, so that the server, not the client, gets the machine's two cores."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str) -> None:
        self.reader, self.writer, self.host = reader, writer, host

    @classmethod
    async def open(cls, host: str, port: int) -> _Connection:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer, f"{host}:{port}")

    async def ask(self, question: str) -> int:
        body = json.dumps({"message": question}).encode()
        head = (
            f"POST /api/chat HTTP/1.1\r\nhost: {self.host}\r\ncontent-type: application/json\r\n"
            f"content-length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        length = next(int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:"))
        await self.reader.readexactly(length)
        return int(lines[0].split()[1])

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


class _Server:
    """`folio serve` of a checkout (its own .venv) on the sample index, in its own process;
    Groq pointed at the local stub when there is one, no LLM (extractive answers) otherwise."""

    def __init__(self, root: Path, index: Path, stub_port: int | None) -> None:
        self.root, self.port, self.asked = root, _free_port(), 0
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FOLIO_", "GROQ_", "OLLAMA_"))}
        # Loopback clients are not limited in development (FOLIO_DEV_LOOPBACK_UNLIMITED): the limits
        # are on here, as for any visitor, so their store calls are paid.
        env.update(UNLIMITED, FOLIO_LOG_LEVEL="ERROR", FOLIO_DEV_LOOPBACK_UNLIMITED="false")
        if stub_port is not None:
            env.update(GROQ_API_KEY="gsk_bench_stub", GROQ_BASE_URL=f"http://127.0.0.1:{stub_port}")
        python = root / ".venv" / "bin" / "python"
        command = [str(python), "-m", "folio.cli", "serve", "--index", str(index), "--port", str(self.port)]
        self.process = subprocess.Popen(command, env=env, cwd=root, stderr=subprocess.DEVNULL)

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait(self) -> None:
        _wait(f"http://127.0.0.1:{self.port}/health/ready")

    def load(self, clients: int, requests: int, distinct: bool) -> dict[str, float]:
        """`requests` questions from `clients` concurrent connections: req/s, p50/p95 and the
        server's CPU per request (utime + stime of its process, every thread included)."""
        first, self.asked = self.asked, self.asked + requests
        cpu = _cpu_seconds(self.pid)
        timings, errors, wall = asyncio.run(_load(self.port, clients, range(first, first + requests), distinct))
        return {
            "cpu_ms": (_cpu_seconds(self.pid) - cpu) / requests * 1000,
            "p50_ms": statistics.median(timings) * 1000,
            "p95_ms": sorted(timings)[int(len(timings) * 0.95)] * 1000,
            "rps": requests / wall,
            "errors": errors,
        }

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)


async def _load(port: int, clients: int, numbers: range, distinct: bool) -> tuple[list[float], int, float]:
    timings: list[float] = []
    errors = 0
    pending = iter(numbers)
    connections = [await _Connection.open("127.0.0.1", port) for _ in range(clients)]

    async def worker(connection: _Connection) -> None:
        nonlocal errors
        for n in pending:
            started = time.perf_counter()
            status = await connection.ask(_question(n, distinct))
            timings.append(time.perf_counter() - started)
            errors += status != 200

    started = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in connections))
    wall = time.perf_counter() - started
    for connection in connections:
        await connection.close()
    return timings, errors, wall


_SCENARIOS = [(True, 1), (True, 10), (False, 1), (False, 10)]  # (distinct, clients)


def over_http(index: Path, roots: dict[str, Path], *, rounds: int, requests: int, answers: int) -> None:
    """Each mode (stub LLM, no LLM) on fresh servers, one per checkout in `roots`: the RSS after
    `answers` distinct answers, then `rounds` rounds of every scenario, the checkouts interleaved
    within each round; the figures are the medians over the rounds."""
    stub_port = _free_port()
    stub_code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from tests.fakes.llm_server import FakeLLM\n"
        "f = FakeLLM(); f.reply_text = 'From the documents [1].'\n"
        "import uvicorn; uvicorn.run(f.app, host='127.0.0.1', port=int(sys.argv[2]), log_level='error')"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FOLIO_", "GROQ_", "OLLAMA_"))}
    stub = subprocess.Popen([sys.executable, "-c", stub_code, str(ROOT), str(stub_port)], env=env)
    try:
        _wait(f"http://127.0.0.1:{stub_port}/api/tags")
        for mode, port in (("stub LLM", stub_port), ("no LLM", None)):
            servers = {name: _Server(root, index, port) for name, root in roots.items()}
            try:
                _measure(mode, servers, rounds=rounds, requests=requests, answers=answers)
            finally:
                for server in servers.values():
                    server.stop()
    finally:
        stub.terminate()
        stub.wait(timeout=15)


def _measure(mode: str, servers: dict[str, _Server], *, rounds: int, requests: int, answers: int) -> None:
    for server in servers.values():
        server.wait()
    for name, server in servers.items():
        server.load(10, answers, distinct=True)
        rss, peak = _rss_mb(server.pid)
        FIGURES["http"].setdefault(mode, {}).setdefault(name, {}).update(rss_mb=rss, peak_mb=peak, answers=answers)
        server.load(1, len(QUESTIONS), distinct=False)  # the repeated questions asked once: cached
        sys.stdout.write(
            f"HTTP, {mode}, {name}: RSS after {answers} distinct answers {rss:.0f} MB (peak {peak:.0f} MB)   "
            f"load average {os.getloadavg()[0]:.1f}\n"
        )
    results: dict[tuple[str, bool, int], list[dict[str, float]]] = {}
    for _ in range(rounds):
        for distinct, clients in _SCENARIOS:
            for name, server in servers.items():
                results.setdefault((name, distinct, clients), []).append(server.load(clients, requests, distinct))
    for (name, distinct, clients), runs in results.items():
        median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        scenario = f"{'distinct' if distinct else 'repeated'}, {clients} client{'s' if clients > 1 else ''}"
        FIGURES["http"][mode][name][scenario] = median
        sys.stdout.write(
            f"HTTP, {mode}, {name}, {'distinct' if distinct else 'repeated'}, {clients:2d} client(s): "
            f"server CPU {median['cpu_ms']:5.2f} ms/req   p50 {median['p50_ms']:6.2f} ms   "
            f"p95 {median['p95_ms']:6.2f} ms   {median['rps']:6.1f} req/s   "
            f"errors {sum(run['errors'] for run in runs):.0f}   (median of {len(runs)})\n"
        )
    sys.stdout.write(f"load average {' '.join(f'{value:.1f}' for value in os.getloadavg())}\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300, help="in-process questions per run")
    parser.add_argument("--http-requests", type=int, default=200, help="HTTP questions per scenario and round")
    parser.add_argument("--rounds", type=int, default=5, help="HTTP rounds (the figures are their medians)")
    parser.add_argument("--answers", type=int, default=1000, help="distinct answers before the RSS is read")
    parser.add_argument(
        "--baseline", type=Path, help="another checkout (with its .venv) served beside this one, interleaved"
    )
    parser.add_argument("--http-only", action="store_true")
    parser.add_argument("--index", type=Path)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    from scripts.bench_support import sample_index, write_report

    index = sample_index(args.index)
    if not args.http_only:
        in_process(index, args.requests, distinct=True)
        in_process(index, args.requests, distinct=False)
        in_process(index, args.requests, distinct=True, llm=False)
        extractive_cost(index)
    roots = {"this checkout": ROOT} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    load = os.getloadavg()[0]
    over_http(index, roots, rounds=args.rounds, requests=args.http_requests, answers=args.answers)
    FIGURES["load"] = [min(load, os.getloadavg()[0]), max(load, os.getloadavg()[0])]
    write_report(args.json, FIGURES)


if __name__ == "__main__":
    main()
