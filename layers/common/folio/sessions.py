"""Server-issued conversation ids and the conversation each one carries.

An id is `s1` + 16 random characters + its expiry (base 36) + an HMAC of both with the server's
secret, all in `[A-Za-z0-9_-]` and 47 characters: a client cannot mint, alter or extend one.

Each answer gets an id of its own, `a1` + 16 random characters + the same HMAC over those and the
session id (40 characters): it is valid in that session only, and only while the session is.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from folio.errors import InvalidSession, SessionExpired, UnknownAnswer
from folio.store.base import push_trimmed

if TYPE_CHECKING:
    from folio.store import Store

_VERSION = "s1"
_ANSWER_VERSION = "a1"
_RANDOM, _EXPIRY, _SIGNATURE = 16, 7, 22


class SessionIds:
    def __init__(self, secret: bytes, ttl_seconds: int) -> None:
        self._secret = secret
        self.ttl_seconds = ttl_seconds

    def issue(self, now: float | None = None) -> str:
        expiry = _base36(int(now if now is not None else time.time()) + self.ttl_seconds).rjust(_EXPIRY, "0")
        body = f"{_VERSION}{secrets.token_urlsafe(12)}{expiry}"
        return body + self._sign(body)

    def verify(self, session_id: str, now: float | None = None) -> None:
        """InvalidSession for anything this server did not issue; SessionExpired past its expiry."""
        if len(session_id) != len(_VERSION) + _RANDOM + _EXPIRY + _SIGNATURE or not session_id.startswith(_VERSION):
            raise InvalidSession()
        body, signature = session_id[:-_SIGNATURE], session_id[-_SIGNATURE:]
        if not hmac.compare_digest(signature, self._sign(body)):
            raise InvalidSession()
        expiry = int(body[-_EXPIRY:], 36)
        if expiry < (now if now is not None else time.time()):
            raise SessionExpired()

    def answer_id(self, session_id: str) -> str:
        """A new answer's id, bound to its (issued) session."""
        body = f"{_ANSWER_VERSION}{secrets.token_urlsafe(12)}"
        return body + self._sign(f"{body}.{session_id}")

    def verify_answer(self, answer_id: str, session_id: str, now: float | None = None) -> None:
        """The session's checks (verify), then UnknownAnswer unless this server gave the answer
        in this session. The signed text has a '.', which no session id has: neither kind of id
        can pass for the other."""
        self.verify(session_id, now)
        if len(answer_id) != len(_ANSWER_VERSION) + _RANDOM + _SIGNATURE or not answer_id.startswith(_ANSWER_VERSION):
            raise UnknownAnswer()
        body, signature = answer_id[:-_SIGNATURE], answer_id[-_SIGNATURE:]
        if not hmac.compare_digest(signature, self._sign(f"{body}.{session_id}")):
            raise UnknownAnswer()

    def _sign(self, body: str) -> str:
        digest = hmac.new(self._secret, body.encode(), hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out or "0"


@dataclass(frozen=True)
class Turn:
    question: str
    answer: str


class Conversations:
    """The last N turns of each session, expiring with it."""

    def __init__(self, store: Store, prefix: str, *, turns: int, ttl_seconds: int) -> None:
        self.store = store
        self.prefix = prefix
        self.turns = turns
        self.ttl_seconds = ttl_seconds

    async def history(self, session_id: str) -> list[Turn]:
        if self.turns == 0:
            return []
        raw = await self.store.lrange(self._key(session_id), -self.turns, -1)
        return [Turn(**json.loads(item)) for item in raw]

    async def append(self, session_id: str, turn: Turn) -> None:
        if self.turns == 0:
            return
        value = json.dumps({"question": turn.question, "answer": turn.answer})
        await push_trimmed(self.store, self._key(session_id), value, keep=self.turns, ttl=self.ttl_seconds)

    def _key(self, session_id: str) -> str:
        return f"{self.prefix}:history:{session_id}"
