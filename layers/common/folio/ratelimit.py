"""Rate limits that bind: per client (an IPv4 address or an IPv6 prefix), per session, and on the
number of live sessions, of which one client may hold only its share.

The algorithms are upstash-ratelimit's (its Lua scripts run on Upstash, on Redis and, through
fakeredis, in memory), so every backend enforces the same numbers.
"""

from __future__ import annotations

import ipaddress
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from folio.errors import RateLimited

if TYPE_CHECKING:
    from upstash_ratelimit.asyncio import Ratelimit

    from folio.metrics import Metrics
    from folio.settings import Settings
    from folio.store import Store


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int
    window_seconds: int
    message: str  # what a person reads; {wait} becomes "12 seconds" or "4 minutes"


@dataclass(frozen=True)
class Decision:
    rule: Rule
    remaining: int
    reset_seconds: int

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.rule.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
        }


def rules(settings: Settings) -> dict[str, Rule]:
    s = settings
    return {
        rule.name: rule
        for rule in (
            Rule("ip_burst", s.ip_burst_per_minute, 60, "Too many questions in a short time. Please wait {wait}."),
            Rule(
                "ip_hourly",
                s.ip_questions_per_hour,
                3600,
                "Too many questions from your network this hour. Please come back in {wait}.",
            ),
            Rule(
                "ip_sessions",
                s.ip_sessions_per_window,
                s.ip_session_window_seconds,
                "Too many new conversations from your network. Continue an existing one, or come back in {wait}.",
            ),
            Rule(
                "client_sessions",
                client_session_cap(s),
                s.session_ttl_seconds,
                "Too many open conversations from your network. Continue one of them, or come back in {wait}.",
            ),
            Rule(
                "live_sessions",
                s.max_live_sessions,
                s.session_ttl_seconds,
                "The assistant is talking to too many people right now. Please come back in {wait}.",
            ),
            Rule(
                "session",
                s.session_questions_per_hour,
                3600,
                "This conversation has reached its limit of questions for the hour. Please come back in {wait}.",
            ),
            Rule(
                "feedback_ip",
                s.feedback_ip_per_hour,
                3600,
                "Too much feedback from your network this hour. Please try again in {wait}.",
            ),
            Rule(
                "feedback_session",
                s.feedback_session_per_hour,
                3600,
                "This conversation has sent all the feedback it may this hour. Please try again in {wait}.",
            ),
        )
    }


def client_session_cap(settings: Settings) -> int:
    """The live sessions one client may hold: its share of everyone's, at least one."""
    return max(1, int(settings.max_live_sessions * settings.client_session_share))


class Limits:
    def __init__(self, store: Store, settings: Settings, metrics: Metrics | None = None) -> None:
        from upstash_ratelimit.asyncio import Ratelimit
        from upstash_ratelimit.limiter import SlidingWindow

        self.rules = rules(settings)
        self.metrics = metrics
        self.loopback_unlimited = settings.loopback_unlimited
        self._limiters: dict[str, Ratelimit] = {
            name: Ratelimit(
                redis=store,  # type: ignore[arg-type]  # duck-typed: the library only calls eval, get and hmget
                limiter=SlidingWindow(max_requests=rule.limit, window=rule.window_seconds, unit="s"),
                prefix=f"{settings.store_prefix}:rl:{name}",
            )
            for name, rule in self.rules.items()
        }

    def for_client(self, client_ip: str) -> Limits | Unlimited:
        """The limits that apply to this client: none for loopback in development (when enabled)."""
        if self.loopback_unlimited and _is_loopback(client_ip):
            return Unlimited(self.rules)
        return self

    async def hit(self, name: str, identifier: str) -> Decision:
        """Count one request against a rule; RateLimited (429) when the rule refuses it."""
        rule = self.rules[name]
        response = await self._limiters[name].limit(identifier)
        reset = max(1, math.ceil(response.reset - time.time()))
        decision = Decision(rule, max(0, response.remaining), reset)
        if not response.allowed:
            if self.metrics is not None:
                self.metrics.count("rate_limited", rule=name)
            raise RateLimited(
                rule.message.format(wait=_human(reset)),
                headers={"Retry-After": str(reset), **decision.headers()},
            )
        return decision


class Unlimited:
    """Counts nothing and refuses nothing: a developer's own machine in FOLIO_ENV=development."""

    def __init__(self, rules: dict[str, Rule]) -> None:
        self.rules = rules

    async def hit(self, name: str, _identifier: str) -> Decision:
        rule = self.rules[name]
        return Decision(rule, rule.limit, rule.window_seconds)


def _is_loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    return (mapped or ip).is_loopback


def _human(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    if seconds < 5400:
        return f"{math.ceil(seconds / 60)} minutes"
    return f"{math.ceil(seconds / 3600)} hours"
