"""Visitors' ratings of answers (POST /api/feedback), kept with the answer they rate.

Every answer is kept under its answer_id for its session's lifetime (the question, the answer, its
sources and provider), so feedback only names the answer and the server says what it was: a client
cannot put words in the record. Feedback goes to one capped stream in the shared store (XADD MAXLEN
~ feedback_keep). The latest feedback given on an answer replaces any earlier one (a visitor who
changes their mind), in one script: concurrent feedback on an answer leaves exactly one entry.

While the store is unreachable, the FailoverStore keeps feedback in this process's memory: it is
counted, reported by /health/detailed, and written to the store once that answers again (at the
next answer or feedback this process handles).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from folio.schemas import FeedbackEntry, RatedAnswer, RatedSource

if TYPE_CHECKING:
    from folio.metrics import Metrics
    from folio.ratelimit import Limits
    from folio.schemas import ChatResponse, FeedbackRequest
    from folio.sessions import SessionIds
    from folio.store import FailoverStore, Store

# KEYS: the stream, the answer's pointer ("<entry id> <time given>"). ARGV: how many entries to
# keep, the entry, the pointer's TTL, the time given. 0: new, 1: replaced the answer's earlier
# entry, 2: dropped, the answer has a later one (written while this one waited in memory).
RECORD = """
local old = redis.call("GET", KEYS[2])
if old then
  local space = string.find(old, " ", 1, true)
  if tonumber(string.sub(old, space + 1)) > tonumber(ARGV[4]) then return 2 end
  redis.call("XDEL", KEYS[1], string.sub(old, 1, space - 1))
end
local id = redis.call("XADD", KEYS[1], "MAXLEN", "~", ARGV[1], "*", "entry", ARGV[2])
redis.call("SET", KEYS[2], id .. " " .. ARGV[4], "EX", ARGV[3])
if old then return 1 end
return 0
"""
# KEYS: the stream. ARGV: the oldest entry id wanted, how many. The entries, newest first.
NEWEST = """
local out = {}
for _, item in ipairs(redis.call("XREVRANGE", KEYS[1], "+", ARGV[1], "COUNT", ARGV[2])) do
  out[#out + 1] = item[2][2]
end
return out
"""
LIST_LIMIT = 1000  # entries per listing: about 2.5 MB of JSON, under Lambda's 6 MB response
_DURATION = re.compile(r"^([1-9]\d{0,5})([smhdw])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}


def parse_duration(text: str) -> int:
    """'90m', '24h', '7d', '2w' in seconds; ValueError otherwise."""
    match = _DURATION.match(text.strip().lower())
    if match is None:
        raise ValueError(f"{text!r} is not a duration like 30m, 24h, 7d or 2w")
    return int(match[1]) * _SECONDS[match[2]]


def stream_key(prefix: str) -> str:
    return f"{prefix}:feedback"


async def newest(store: Store, prefix: str, since: datetime) -> tuple[list[FeedbackEntry], bool]:
    """The feedback given since then (at most LIST_LIMIT, the newest), down-voted first, then the
    newest first; and whether there was more."""
    oldest = f"{int(since.timestamp() * 1000)}-0"
    raw = await store.eval(NEWEST, [stream_key(prefix)], [oldest, LIST_LIMIT + 1])
    # Entry ids are the store's clock when written; an entry written late (kept in memory during an
    # outage) keeps the time it was given, which is what `since` is about.
    entries = (FeedbackEntry.model_validate_json(item) for item in raw[:LIST_LIMIT])
    kept = sorted(
        (entry for entry in entries if entry.at >= since),
        key=lambda entry: (entry.rating != "down", -entry.at.timestamp()),
    )
    return kept, len(raw) > LIST_LIMIT


class Feedback:
    def __init__(
        self,
        store: FailoverStore,
        *,
        limits: Limits,
        session_ids: SessionIds,
        prefix: str,
        keep: int,
        ttl_seconds: int,
        metrics: Metrics | None = None,
    ) -> None:
        self.store = store
        self.limits = limits
        self.session_ids = session_ids
        self.prefix = prefix
        self.keep = keep
        self.ttl_seconds = ttl_seconds  # the session's: feedback on an answer is possible while it lives
        self.metrics = metrics
        self.recorded = 0
        self.fallbacks = 0
        self._unsent: list[tuple[str, str, float]] = []
        self._sending = False

    async def remember(self, question: str, response: ChatResponse) -> None:
        """At answer time: what feedback on this answer will be about."""
        kept = RatedAnswer(
            question=question,
            answer=response.answer,
            sources=[RatedSource(n=s.n, title=s.title, section=s.section, url=s.url) for s in response.sources],
            provider=response.provider,
            grounded=response.grounded,
            cached=response.cached,
            asked_at=datetime.now(UTC),
        )
        await self.store.set(self._answer_key(response.answer_id), kept.model_dump_json(), ex=self.ttl_seconds)
        await self._send_unsent()

    async def give(self, request: FeedbackRequest, *, client: str) -> tuple[bool, dict[str, str]]:
        """Record a visitor's feedback: whether it replaced earlier feedback on the same answer, and
        the rate-limit headers. The client's limit comes first (forged ids count against it too),
        then the ids (InvalidSession, SessionExpired, UnknownAnswer), then the session's limit."""
        limits = self.limits.for_client(client)
        await limits.hit("feedback_ip", client)
        self.session_ids.verify_answer(request.answer_id, request.session_id)
        decision = await limits.hit("feedback_session", request.session_id)
        kept = await self.store.get(self._answer_key(request.answer_id))
        entry = FeedbackEntry(
            answer_id=request.answer_id,
            rating=request.rating,
            comment=request.comment,
            at=datetime.now(UTC),
            answered=RatedAnswer.model_validate_json(kept) if kept else None,
        )
        outcome = await self._record(request.answer_id, entry.model_dump_json(), entry.at.timestamp())
        self.recorded += 1
        if self.metrics is not None:
            self.metrics.count("feedback", rating=request.rating)
        return outcome == 1, decision.headers()

    def status(self) -> dict[str, Any]:
        """For /health/detailed: where feedback goes, and what this process holds for the store."""
        if self.store.primary is None:
            return {"ok": True, "stored_in": "memory only (one process)", "recorded": self.recorded}
        result: dict[str, Any] = {
            "ok": not self._unsent,
            "stored_in": self.store.name,
            "recorded": self.recorded,
            "fallbacks": self.fallbacks,
            "unsent": len(self._unsent),
        }
        if self._unsent:
            result["error"] = "feedback held in this process's memory until the store answers"
        return result

    async def _record(self, answer_id: str, entry: str, at: float) -> int:
        outcome, durable = await self._write(answer_id, entry, at)
        if durable:
            await self._send_unsent()
        elif self.store.primary is not None:
            self.fallbacks += 1
            self._unsent.append((answer_id, entry, at))
            if len(self._unsent) > self.keep:
                del self._unsent[0]  # the store would have trimmed it too
        return outcome

    async def _write(self, answer_id: str, entry: str, at: float) -> tuple[int, bool]:
        keys = [stream_key(self.prefix), f"{self.prefix}:feedback:given:{answer_id}"]
        args = [self.keep, entry, self.ttl_seconds, f"{at:.6f}"]
        outcome, durable = await self.store.eval_durable(RECORD, keys, args)
        return int(outcome), durable

    async def _send_unsent(self) -> None:
        """Feedback kept in memory during an outage, written to the store now that it answers, in
        the order it was given (a later one on the same answer still wins: RECORD compares times)."""
        if self._sending or not self._unsent or self.store.degraded:
            return
        self._sending = True
        try:
            while self._unsent:
                item = self._unsent[0]
                _, durable = await self._write(*item)
                if not durable:
                    return
                if self._unsent and self._unsent[0] is item:  # not dropped by the cap meanwhile
                    self._unsent.pop(0)
        finally:
            self._sending = False

    def _answer_key(self, answer_id: str) -> str:
        return f"{self.prefix}:answer:{answer_id}"
