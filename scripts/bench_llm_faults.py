"""What a misbehaving LLM costs a visitor: the chat app under real uvicorn, the real Groq SDK against
the protocol fake (tests/fakes/llm_server.py), default settings but FOLIO_LLM_TIMEOUT_SECONDS=5.

1. Groq sends its answer a byte at a time over --trickle seconds (every read well within 5 s):
   how long one question takes.
2. Groq hangs: how long the questions take that open its circuit breaker, then --burst questions
   at once (each from a new session; limits raised so they do not refuse any).

    python scripts/bench_llm_faults.py [--trickle 58] [--burst 100]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUESTION = {"message": "What grade did she get in Database Internals?"}
ROOMY: dict[str, Any] = {
    "ip_burst_per_minute": 10_000,
    "ip_questions_per_hour": 10_000,
    "ip_sessions_per_window": 10_000,
    "max_live_sessions": 10_000,
    "budget_daily_llm_calls": 10_000,
}


def _serve(index: Path, llm_url: str) -> Any:
    from folio.cli import combined_app
    from folio.runtime import Runtime
    from folio.settings import Settings
    from tests.support.servers import UvicornServer

    settings = Settings(
        _env_file=None,
        index_uri=str(index),
        log_level="ERROR",
        groq_api_key="gsk_bench",
        groq_base_url=llm_url,
        llm_timeout_seconds=5,
        **ROOMY,
    )
    runtime = Runtime(settings)
    runtime.warm()  # the model and the index: measured here is the LLM's part, not a cold start
    return UvicornServer(combined_app(settings, runtime)).start()


async def _ask(http: httpx.AsyncClient) -> tuple[float, str]:
    started = time.perf_counter()
    response = await http.post("/api/chat", json=QUESTION)
    return time.perf_counter() - started, response.json().get("provider", str(response.status_code))


async def _at_once(url: str, count: int) -> list[tuple[float, str]]:
    async with httpx.AsyncClient(base_url=url, timeout=300) as http:
        return list(await asyncio.gather(*(_ask(http) for _ in range(count))))


def _summary(results: list[tuple[float, str]]) -> str:
    seconds = sorted(t for t, _ in results)
    providers = sorted({p for _, p in results})
    return f"median {statistics.median(seconds):.2f} s, max {seconds[-1]:.2f} s, provider {'/'.join(providers)}"


def _report(line: str) -> None:
    sys.stdout.write(line + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trickle", type=float, default=58)
    parser.add_argument("--burst", type=int, default=100)
    args = parser.parse_args()
    from scripts.bench_support import sample_index
    from tests.fakes.llm_server import FakeLLM

    index = sample_index()
    with FakeLLM(mode="trickle", trickle_seconds=args.trickle) as fake:
        server = _serve(index, fake.url)
        try:
            (result,) = asyncio.run(_at_once(server.url, 1))
            _report(f"Groq trickling its body over {args.trickle:.0f} s: one question {_summary([result])}")
            fake.mode, fake.hang_seconds = "hang", 600
            before = fake.calls
            opening = asyncio.run(_at_once(server.url, 3))
            _report(f"Groq hanging, the 3 questions that open its breaker: {_summary(opening)}")
            burst = asyncio.run(_at_once(server.url, args.burst))
            calls, asked = fake.calls - before, 3 + args.burst
            _report(f"then {args.burst} questions at once: {_summary(burst)}; Groq saw {calls} calls of {asked}")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
