"""Cached answers to first questions, keyed so that a new corpus or prompt never serves stale ones."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from folio.store import Store


def normalise(question: str) -> str:
    """One spelling per question: compatibility forms folded (fullwidth letters), accents and
    combining marks dropped, case folded, punctuation of any script removed ("?", "؟", ","),
    whitespace collapsed. Homoglyphs (a Cyrillic "а" for a Latin "a") still make a new key."""
    decomposed = unicodedata.normalize("NFKD", question)
    kept = "".join(
        " " if unicodedata.category(ch).startswith("P") else ch
        for ch in decomposed
        if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf"
    )
    return " ".join(unicodedata.normalize("NFKC", kept).casefold().split())


def answer_cache_key(prefix: str, question: str, *, corpus_version: str, prompt_version: str, model: str) -> str:
    """The one key function, used for both reading and writing."""
    material = "\n".join((normalise(question), corpus_version, prompt_version, model))
    return f"{prefix}:answer:{hashlib.sha256(material.encode()).hexdigest()[:32]}"


class AnswerCache:
    def __init__(self, store: Store, *, ttl_seconds: int) -> None:
        self.store = store
        self.ttl_seconds = ttl_seconds

    async def get(self, key: str) -> dict[str, Any] | None:
        if self.ttl_seconds == 0:
            return None
        raw = await self.store.get(key)
        value: dict[str, Any] | None = json.loads(raw) if raw else None
        return value

    async def put(self, key: str, value: dict[str, Any]) -> None:
        if self.ttl_seconds:
            await self.store.set(key, json.dumps(value), ex=self.ttl_seconds)
