from __future__ import annotations

import asyncio
import ipaddress
import re
from typing import Any

import pytest

from folio.budget import Budget
from folio.cache import answer_cache_key
from folio.clientip import client_key, parse_address, parse_networks
from folio.errors import InvalidSession, SessionExpired
from folio.prompt import build_messages
from folio.sessions import Conversations, SessionIds, Turn
from folio.store.memory import memory_store

IDS = SessionIds(b"a-secret-of-thirty-two-bytes-xxx", 3600)


def test_session_ids_fit_the_public_pattern_and_verify() -> None:
    sid = IDS.issue()
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", sid) and len(sid) == 47
    IDS.verify(sid)
    assert IDS.issue() != sid


def test_tampering_with_any_part_is_detected() -> None:
    sid = IDS.issue(now=1_000_000)
    for position in range(2, len(sid)):
        flipped = sid[:position] + ("a" if sid[position] != "a" else "b") + sid[position + 1 :]
        with pytest.raises(InvalidSession):
            IDS.verify(flipped, now=1_000_000)


def test_expiry_and_other_secrets() -> None:
    sid = IDS.issue(now=1_000_000)
    IDS.verify(sid, now=1_000_000 + 3599)
    with pytest.raises(SessionExpired):
        IDS.verify(sid, now=1_000_000 + 3601)
    with pytest.raises(InvalidSession):
        SessionIds(b"another-secret-of-32-bytes-xxxxx", 3600).verify(sid, now=1_000_000)


def test_conversations_keep_the_last_turns() -> None:
    async def scenario() -> list[Turn]:
        conversations = Conversations(memory_store(), "t", turns=2, ttl_seconds=60)
        for n in range(3):
            await conversations.append("s", Turn(f"q{n}", f"a{n}"))
        return await conversations.history("s")

    assert asyncio.run(scenario()) == [Turn("q1", "a1"), Turn("q2", "a2")]


@pytest.mark.parametrize(
    "variant",
    [
        "where did she study,",
        "ＷＨＥＲＥ did she study?",
        "Where did she stu\u0301dy?",
        "Where did she study؟",
        "  where  DID she\u200b study ?!",
    ],
)
def test_spellings_of_one_question_share_one_cache_key(variant: str) -> None:
    """Each of these cost a fresh LLM call before (#10 item 4)."""
    key = answer_cache_key("p", "Where did she study?", corpus_version="c1", prompt_version="2", model="groq:m")
    assert answer_cache_key("p", variant, corpus_version="c1", prompt_version="2", model="groq:m") == key


def test_history_in_the_prompt_stays_within_its_budget() -> None:
    history = [Turn(f"question {n} " + "x" * 200, "answer " + "y" * 200) for n in range(10)]
    user = build_messages("now?", [], owner="Maya", history=history, history_tokens=300)[1]["content"]
    conversation = user.split("<conversation>")[1].split("</conversation>")[0]
    assert len(conversation) // 4 <= 300
    assert "question 9" in conversation and "question 0" not in conversation


def test_one_cache_key_function_normalises_the_question() -> None:
    key = answer_cache_key("p", "Where did she study?", corpus_version="c1", prompt_version="2", model="groq:m")
    assert key == answer_cache_key(
        "p", "  where DID she study ", corpus_version="c1", prompt_version="2", model="groq:m"
    )
    assert key != answer_cache_key("p", "Where did she study?", corpus_version="c2", prompt_version="2", model="groq:m")
    assert key != answer_cache_key("p", "Where did she study?", corpus_version="c1", prompt_version="3", model="groq:m")
    assert key != answer_cache_key(
        "p", "Where did she study?", corpus_version="c1", prompt_version="2", model="ollama:m"
    )


def test_budget_counts_calls_and_tokens() -> None:
    async def scenario() -> tuple[list[bool], dict[str, object]]:
        budget = Budget(memory_store(), "t", calls_per_day=2, tokens_per_day=1000)
        allowed = [await budget.reserve_call() for _ in range(3)]
        await budget.record_tokens(1200)
        return allowed, await budget.usage()

    allowed, usage = asyncio.run(scenario())
    assert allowed == [True, True, False]
    assert usage["llm_calls"] == 2 and usage["llm_tokens"] == 1200


def _scope(peer: str, forwarded: str | None = None, event: dict[str, object] | None = None) -> dict[str, object]:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    scope: dict[str, object] = {"type": "http", "client": (peer, 5000), "headers": headers}
    if event is not None:
        scope["aws.event"] = event
    return scope


def _key(scope: dict[str, object], proxies: list[Any], prefix: int = 64) -> str:
    return client_key(scope, proxies, prefix)


def test_client_address_rules() -> None:
    proxies = parse_networks(["10.0.0.0/8"])
    assert _key(_scope("203.0.113.9", "1.2.3.4"), []) == "203.0.113.9", "untrusted peer: header ignored"
    assert _key(_scope("203.0.113.9", "1.2.3.4"), proxies) == "203.0.113.9"
    assert _key(_scope("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.3"), proxies) == "198.51.100.7"
    assert _key(_scope("10.0.0.2", "garbage"), proxies) == "10.0.0.2"
    assert _key(_scope("10.0.0.2"), proxies) == "10.0.0.2"
    lambda_event: dict[str, object] = {"requestContext": {"http": {"sourceIp": "192.0.2.44"}}}
    assert _key(_scope("169.254.0.1", "6.6.6.6", lambda_event), proxies) == "192.0.2.44"


SPELLINGS = [
    "2001:db8::20",
    "2001:DB8::20",
    "2001:0db8:0000:0000:0000:0000:0000:0020",
    "2001:db8:0:0:ffff:ffff:ffff:ffff",  # another address in the same /64
    "[2001:db8::20]:443",
    "2001:db8::20%eth0",
    " 2001:db8::7 ",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_of_an_ipv6_client_is_one_key_on_every_path(spelling: str) -> None:
    """The TCP peer, a trusted proxy's X-Forwarded-For and the Function URL's sourceIp (#10 item 2)."""
    proxies = parse_networks(["10.0.0.0/8"])
    event: dict[str, object] = {"requestContext": {"http": {"sourceIp": spelling}}}
    paths = [_scope(spelling), _scope("10.0.0.2", f"6.6.6.6, {spelling}"), _scope("10.0.0.9", None, event)]
    assert {_key(scope, proxies) for scope in paths} == {"2001:db8::/64"}
    assert _key(_scope(spelling), [], prefix=56) == "2001:db8::/56"
    assert _key(_scope("2001:db8:0:1::20"), []) == "2001:db8:0:1::/64", "the next /64 is another client"


def test_ipv4_mapped_and_ported_spellings_are_the_ipv4_address() -> None:
    proxies = parse_networks(["10.0.0.0/8"])
    for spelling in ("192.0.2.1", "::ffff:192.0.2.1", "::FFFF:c000:201", "192.0.2.1:5555", "[::ffff:192.0.2.1]:80"):
        assert parse_address(spelling) == ipaddress.IPv4Address("192.0.2.1"), spelling
        assert _key(_scope(spelling), proxies) == "192.0.2.1"
    # A dual-stack socket shows an IPv4 proxy as ::ffff:10.0.0.2: still the trusted proxy.
    assert _key(_scope("::ffff:10.0.0.2", "198.51.100.7"), proxies) == "198.51.100.7"
    assert _key(_scope("10.0.0.2", "::ffff:10.1.1.1, 198.51.100.7"), parse_networks(["::ffff:10.0.0.0/104"])) == (
        "198.51.100.7"
    )
    for junk in ("", "unknown", "2001:db8::g", "300.1.1.1", "[::1"):
        assert parse_address(junk) is None, junk
    assert _key(_scope("10.0.0.9", None, {"requestContext": {"http": {"sourceIp": "nonsense"}}}), proxies) == "unknown"


def test_invalid_trusted_proxy_setting_is_refused() -> None:
    from folio.errors import ConfigError
    from folio.settings import load_settings

    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        load_settings(_env_file=None, trusted_proxies="10.0.0.0/8, not-a-network")
