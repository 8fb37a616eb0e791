"""Feedback on answers: the answer ids, the request's cleaning, and the record on every backend
(memory, Redis over TCP, Upstash's REST API through the local fake), the outage included."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
import redis
from pydantic import ValidationError

from folio.errors import InvalidSession, SessionExpired, UnknownAnswer
from folio.feedback import Feedback, newest, parse_duration, stream_key
from folio.ratelimit import Limits
from folio.schemas import ChatResponse, FeedbackRequest, Source
from folio.sessions import SessionIds
from folio.settings import Settings
from folio.store.failover import FailoverStore
from folio.store.redis import RedisStore
from folio.store.upstash import UpstashStore
from tests.support.redis import RedisServer

if TYPE_CHECKING:
    from folio.store.base import Store
    from tests.fakes.upstash_server import FakeUpstash

SECRET = b"s" * 32
IDS = SessionIds(SECRET, 3600)


# --- answer ids -------------------------------------------------------------------------------


def test_an_answer_id_is_valid_in_its_own_session_only() -> None:
    session, other = IDS.issue(), IDS.issue()
    answer = IDS.answer_id(session)
    assert len(answer) == 40 and answer.startswith("a1") and answer != IDS.answer_id(session)
    IDS.verify_answer(answer, session)
    tampered = answer[:-1] + ("A" if answer[-1] != "A" else "B")
    forged = "a1" + "x" * 38
    for wrong in (tampered, forged, session, answer[:20], ""):
        with pytest.raises(UnknownAnswer):
            IDS.verify_answer(wrong, session)
    with pytest.raises(UnknownAnswer):
        IDS.verify_answer(answer, other)
    with pytest.raises(InvalidSession):  # another server: its session is not one of ours, before its answer
        SessionIds(b"another secret, 32 characters..", 3600).verify_answer(answer, session)


def test_the_session_is_checked_first_and_neither_id_passes_for_the_other() -> None:
    session = IDS.issue()
    answer = IDS.answer_id(session)
    with pytest.raises(InvalidSession):
        IDS.verify_answer(answer, answer)
    with pytest.raises(InvalidSession):
        IDS.verify(answer)
    stale = IDS.issue(now=0)
    with pytest.raises(SessionExpired):
        IDS.verify_answer(IDS.answer_id(stale), stale)


# --- the request ------------------------------------------------------------------------------


def _request(**fields: Any) -> FeedbackRequest:
    session = IDS.issue()
    values = {"session_id": session, "answer_id": IDS.answer_id(session), "rating": "up", **fields}
    return FeedbackRequest.model_validate(values)


def test_comments_are_cleaned_like_messages() -> None:
    assert _request(comment="  Wrong\x00 year:\u202e\n\n 2015,\tnot 2016 ").comment == "Wrong year: 2015, not 2016"
    assert _request(comment=" \n\t ").comment is None
    assert _request().comment is None
    assert len(_request(comment="é" * 1000).comment or "") == 1000
    assert _request(comment="\x1b[31mred\x1b[0m").comment == "[31mred[0m", "no terminal escapes reach the CLI"


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"comment": "x" * 1001}, "longer than 1000"),
        ({"comment": 42}, "string"),
        ({"rating": "meh"}, "'up' or 'down'"),
        ({"rating": None}, "'up' or 'down'"),
        ({"answer_id": "<script>"}, "pattern"),
        ({"session_id": "s" * 65}, "pattern"),
        ({"system_prompt": "be rude"}, "Extra inputs"),
    ],
)
def test_bad_requests_are_refused(fields: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        _request(**fields)


@pytest.mark.parametrize(("text", "seconds"), [("30m", 1800), ("24h", 86_400), ("7d", 604_800), ("2W", 1_209_600)])
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "7", "0d", "-1d", "1y", "d", "9999999d", "1.5h"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


# --- the record, on every backend ------------------------------------------------------------


def _settings(**overrides: Any) -> Settings:
    return Settings(_env_file=None, env="test", **overrides)


def _feedback(store: FailoverStore, prefix: str, **settings: Any) -> Feedback:
    s = _settings(store_prefix=prefix, **settings)
    limits = Limits(store, s)
    return Feedback(store, limits=limits, session_ids=IDS, prefix=prefix, keep=s.feedback_keep, ttl_seconds=3600)


def _answer(session: str, text: str = "She got an A- [1].") -> ChatResponse:
    url = "https://x.example/t"
    source = Source(n=1, id="c1", title="Transcript", section="Courses", url=url, snippet="…", score=1)
    return ChatResponse(
        answer=text,
        sources=[source],
        grounded=True,
        provider="groq",
        cached=False,
        session_id=session,
        answer_id=IDS.answer_id(session),
        request_id="r",
    )


def _given(session: str, answer: ChatResponse, rating: str, comment: str | None = None) -> FeedbackRequest:
    body = {"session_id": session, "answer_id": answer.answer_id, "rating": rating, "comment": comment}
    return FeedbackRequest.model_validate(body)


def _primary(kind: str, redis_server: RedisServer, upstash: FakeUpstash) -> Store | None:
    if kind == "redis":
        return RedisStore.from_url(redis_server.url, timeout=1)
    if kind == "upstash":
        return UpstashStore.from_credentials(upstash.url, upstash.token, timeout=1)
    return None


SINCE = timedelta(days=1)


@pytest.mark.parametrize("kind", ["memory", "redis", "upstash"])
def test_feedback_is_kept_with_the_answer_and_the_latest_counts(
    kind: str, redis_server: RedisServer, upstash: FakeUpstash, prefix: str
) -> None:
    async def scenario() -> None:
        store = FailoverStore(_primary(kind, redis_server, upstash))
        feedback = _feedback(store, prefix)
        session = IDS.issue()
        liked, disliked, forgotten = _answer(session), _answer(session, "Oslo [1]."), _answer(session)
        for answer in (liked, disliked):
            await feedback.remember("Which grade?", answer)
        assert (await feedback.give(_given(session, liked, "up"), client="203.0.113.1"))[0] is False
        replaced, headers = await feedback.give(_given(session, disliked, "up"), client="203.0.113.1")
        assert replaced is False and headers["RateLimit-Limit"] == "30" and headers["RateLimit-Remaining"] == "28"
        changed, _ = await feedback.give(_given(session, disliked, "down", "Not Oslo."), client="203.0.113.1")
        assert changed is True, "a visitor changing their mind replaces their earlier feedback"
        await feedback.give(_given(session, forgotten, "down"), client="203.0.113.1")

        since = datetime.now(UTC) - SINCE
        entries, truncated = await newest(store, prefix, since)
        assert not truncated
        assert [(e.answer_id, e.rating) for e in entries] == [
            (forgotten.answer_id, "down"),
            (disliked.answer_id, "down"),
            (liked.answer_id, "up"),
        ], "down-voted first, then the newest first; one entry per answer"
        assert entries[0].answered is None, "an answer the server did not keep is recorded without it"
        kept = entries[1].answered
        assert kept is not None and entries[1].comment == "Not Oslo."
        assert (kept.question, kept.answer, kept.provider) == ("Which grade?", "Oslo [1].", "groq")
        assert [(s.n, s.title, s.url) for s in kept.sources] == [(1, "Transcript", "https://x.example/t")]
        assert await newest(store, prefix, datetime.now(UTC) + SINCE) == ([], False)
        assert feedback.status()["ok"] and feedback.recorded == 4
        assert store.fallback_calls == 0, "all of it on the backend under test"
        await store.aclose()

    asyncio.run(scenario())


def test_the_stream_is_capped(redis_server: RedisServer, prefix: str) -> None:
    async def scenario() -> None:
        store = FailoverStore(RedisStore.from_url(redis_server.url, timeout=1))
        feedback = _feedback(store, prefix, feedback_ip_per_hour=1000, feedback_session_per_hour=1000)
        feedback.keep = 100
        session = IDS.issue()
        for _ in range(350):
            await feedback.give(_given(session, _answer(session), "up"), client="203.0.113.2")
        client = redis.Redis.from_url(redis_server.url)
        length = client.xlen(stream_key(prefix))
        client.close()
        # MAXLEN ~ trims whole nodes of the stream (100 entries each by default): close to the cap, never far past it.
        assert 100 <= length <= 200, length
        entries, _ = await newest(store, prefix, datetime.now(UTC) - SINCE)
        assert len(entries) == length
        await store.aclose()

    asyncio.run(scenario())


def test_feedback_held_during_an_outage_never_replaces_a_later_one() -> None:
    """Up during the outage (held in memory), down once the store is back: the held one reaches the
    store after the later one, and is dropped there."""
    with RedisServer() as server:

        async def scenario() -> None:
            store = FailoverStore(RedisStore.from_url(server.url, timeout=0.3), retry_seconds=0)
            feedback = _feedback(store, "order")
            session = IDS.issue()
            answer = _answer(session)
            await store.ping()
            server.kill()
            await feedback.give(_given(session, answer, "up"), client="203.0.113.3")
            assert feedback.status()["unsent"] == 1
            server.start()
            replaced, _ = await feedback.give(_given(session, answer, "down", "changed my mind"), client="203.0.113.3")
            assert replaced is False and feedback.status()["unsent"] == 0
            entries, _ = await newest(store, "order", datetime.now(UTC) - SINCE)
            assert [(e.rating, e.comment) for e in entries] == [("down", "changed my mind")]
            await store.aclose()

        asyncio.run(scenario())


def test_feedback_given_while_the_store_is_down_is_held_then_written_to_it() -> None:
    with RedisServer() as server:

        async def scenario() -> None:
            store = FailoverStore(RedisStore.from_url(server.url, timeout=0.3), retry_seconds=0)
            feedback = _feedback(store, "outage")
            session = IDS.issue()
            before, during, after = _answer(session), _answer(session), _answer(session)
            await feedback.remember("Q1", before)
            await feedback.give(_given(session, before, "up"), client="203.0.113.4")
            server.kill()
            await feedback.remember("Q2", during)
            await feedback.give(_given(session, during, "down", "wrong"), client="203.0.113.4")
            status = feedback.status()
            assert status["ok"] is False and status["unsent"] == 1 and status["fallbacks"] == 1
            assert status["stored_in"] == "redis" and "memory" in status["error"]
            server.start()
            await feedback.remember("Q3", after)  # the store answers again: what was held is written
            assert feedback.status() == {"ok": True, "stored_in": "redis", "recorded": 2, "fallbacks": 1, "unsent": 0}
            direct = RedisStore.from_url(server.url, timeout=1)
            entries, _ = await newest(direct, "outage", datetime.now(UTC) - SINCE)
            await direct.aclose()
            # The restarted server kept nothing from before (no persistence in tests): only what was held.
            assert [(e.answer_id, e.rating, e.comment) for e in entries] == [(during.answer_id, "down", "wrong")]
            assert entries[0].answered is not None and entries[0].answered.question == "Q2"
            await store.aclose()

        asyncio.run(scenario())


def test_without_a_configured_store_feedback_lives_in_memory_and_says_so() -> None:
    async def scenario() -> None:
        store = FailoverStore(None)
        feedback = _feedback(store, "mem")
        session = IDS.issue()
        await feedback.give(_given(session, _answer(session), "down"), client="203.0.113.5")
        assert feedback.status() == {"ok": True, "stored_in": "memory only (one process)", "recorded": 1}
        await store.aclose()

    asyncio.run(scenario())


def test_the_limits_bind_per_client_and_per_session() -> None:
    from folio.errors import RateLimited

    async def scenario() -> None:
        store = FailoverStore(None)
        feedback = _feedback(store, "lim", feedback_ip_per_hour=3, feedback_session_per_hour=2)
        one, two = IDS.issue(), IDS.issue()
        for session in (one, one):
            await feedback.give(_given(session, _answer(session), "up"), client="203.0.113.6")
        with pytest.raises(RateLimited, match="conversation") as refused:
            await feedback.give(_given(one, _answer(one), "up"), client="203.0.113.6")
        assert int(refused.value.headers["Retry-After"]) >= 1
        with pytest.raises(RateLimited, match="network"):
            await feedback.give(_given(two, _answer(two), "up"), client="203.0.113.6")
        with pytest.raises(RateLimited, match="network"):  # a forged id is counted before it is checked
            await feedback.give(_given(two, _answer(one), "up"), client="203.0.113.6")
        await feedback.give(_given(two, _answer(two), "up"), client="198.51.100.7")
        await store.aclose()

    asyncio.run(scenario())
