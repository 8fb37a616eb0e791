"""Per-request cost of the protection path on each store backend: the rate-limit checks (per IP
burst, per IP hourly, per session), the session signature, the conversation read and write and the
answer-cache lookup, i.e. everything a chat turn does besides answering.

    python scripts/bench_protection.py [--requests 500]

Redis is a redis-server this script starts on a free port (never the machine's own on 6379);
Upstash is measured through the local REST fake (tests/fakes/upstash_server.py) in front of it:
HTTP on loopback, so it shows the client's own cost, not Upstash's network latency.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from folio.cache import AnswerCache, answer_cache_key  # noqa: E402
from folio.ratelimit import Limits  # noqa: E402
from folio.sessions import Conversations, SessionIds, Turn  # noqa: E402
from folio.settings import Settings  # noqa: E402
from folio.store.memory import memory_store  # noqa: E402
from folio.store.redis import RedisStore  # noqa: E402
from folio.store.upstash import UpstashStore  # noqa: E402

if TYPE_CHECKING:
    from folio.store.base import Store


async def measure(store: Store, requests: int) -> list[float]:
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    settings = Settings(
        _env_file=None,
        store_prefix=prefix,
        ip_burst_per_minute=10**9,
        ip_questions_per_hour=10**9,
        session_questions_per_hour=10**9,
    )
    limits = Limits(store, settings)
    ids = SessionIds(b"x" * 32, 3600)
    conversations = Conversations(store, prefix, turns=4, ttl_seconds=3600)
    cache = AnswerCache(store, ttl_seconds=3600)
    sessions = [ids.issue() for _ in range(50)]
    timings = []
    for n in range(requests + 50):
        session = sessions[n % len(sessions)]
        started = time.perf_counter()
        await limits.hit("ip_burst", f"198.51.100.{n % 200}")
        await limits.hit("ip_hourly", f"198.51.100.{n % 200}")
        ids.verify(session)
        await limits.hit("session", session)
        history = await conversations.history(session)
        if not history:
            key = answer_cache_key(prefix, f"question {n}", corpus_version="c", prompt_version="2", model="groq:m")
            await cache.get(key)
        await conversations.append(session, Turn(f"question {n}", "an answer [1]"))
        if n >= 50:
            timings.append(time.perf_counter() - started)
    await store.aclose()
    return timings


def report(name: str, timings: list[float]) -> None:
    ordered = sorted(timings)
    p50 = statistics.median(ordered) * 1000
    p95 = ordered[int(len(ordered) * 0.95)] * 1000
    sys.stdout.write(f"{name:28s} p50 {p50:6.2f} ms   p95 {p95:6.2f} ms   ({len(ordered)} requests)\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        sys.exit("bench_protection: needs redis-server (apt-get install redis-server)")
    from tests.fakes.upstash_server import FakeUpstash
    from tests.support.redis import RedisServer

    report("memory (fakeredis + Lua)", asyncio.run(measure(memory_store(), args.requests)))
    with RedisServer() as redis, FakeUpstash(redis_url=redis.url) as upstash:
        report("Redis over TCP (local)", asyncio.run(measure(RedisStore.from_url(redis.url, timeout=1), args.requests)))
        store = UpstashStore.from_credentials(upstash.url, "test-token", timeout=2)
        report("Upstash REST (local fake)", asyncio.run(measure(store, args.requests)))


if __name__ == "__main__":
    main()
