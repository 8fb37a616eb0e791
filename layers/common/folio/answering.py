"""From a question to a cited answer: retrieve, prompt, ask the LLM chain, fall back to extraction."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from folio.citations import renumber
from folio.extractive import extractive_answer
from folio.prompt import NOT_COVERED, build_messages

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from folio.llm import Completion, LLMChain
    from folio.retrieval import Passage, Retrieval, Retriever
    from folio.schemas import ChatRequest, ChatResponse
    from folio.sessions import Turn

NOTHING_FOUND = (
    f"{NOT_COVERED} I can answer questions about the background, education, work, skills and projects "
    "described in them."
)


@dataclass(frozen=True)
class CitedSource:
    n: int
    passage: Passage


@dataclass(frozen=True)
class Answer:
    text: str
    sources: list[CitedSource]
    grounded: bool
    provider: str
    corpus_version: str
    completion: Completion | None = None


class Answerer:
    def __init__(self, retriever: Retriever, chain: LLMChain, *, owner: str = "the site owner") -> None:
        self.retriever = retriever
        self.chain = chain
        self.owner = owner

    async def answer(
        self,
        question: str,
        *,
        doc_type: str | None = None,
        search: str | None = None,
        history: Sequence[Turn] = (),
        use_llm: Callable[[], Awaitable[bool]] | None = None,
        history_tokens: int = 600,
    ) -> Answer:
        """Answer `question`, retrieving with `search` (a standalone form of a follow-up) when given.

        `use_llm` is asked just before an LLM would be called (the owner's budget); when it says no,
        or every provider fails, the answer is extractive.
        """
        found = await self.retriever.retrieve(search or question, doc_type=doc_type)
        if not found.grounded:
            return Answer(NOTHING_FOUND, [], False, "none", found.corpus_version)
        completion = None
        if self.chain.providers and (use_llm is None or await use_llm()):
            messages = build_messages(
                question, found.passages, owner=self.owner, history=history, history_tokens=history_tokens
            )
            completion = await self.chain.complete(messages)
        if completion is not None:
            text, provider = completion.text, completion.provider
        else:
            text = await asyncio.to_thread(lambda: self._extract(question, found))
            provider = "extractive"
        text, cited = renumber(text, len(found.passages))
        sources = [CitedSource(n, found.passages[original - 1]) for n, original in enumerate(cited, 1)]
        if not sources and NOT_COVERED.lower().rstrip(".") in text.lower():
            return Answer(NOTHING_FOUND, [], False, provider, found.corpus_version, completion)
        return Answer(text, sources, bool(sources), provider, found.corpus_version, completion)

    def _extract(self, question: str, found: Retrieval) -> str:
        def similarity(lines: Sequence[str]) -> Sequence[float]:
            scores: Sequence[float] = (self.retriever.embedder.embed_batch(lines) @ found.query_vector).tolist()
            return scores

        return extractive_answer(question, found.passages, similarity=similarity)


def snippet(passage: Passage, limit: int = 240) -> str:
    body = passage.text.split("\n\n", 1)[-1].replace("\n", " ").strip()
    if len(body) <= limit:
        return body
    return body[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def chat_response(answer: Answer, *, session_id: str, request_id: str, cached: bool = False) -> ChatResponse:
    from folio.schemas import ChatResponse, Source

    return ChatResponse(
        answer=answer.text,
        sources=[
            Source(
                n=cited.n,
                id=cited.passage.id,
                title=cited.passage.title,
                section=cited.passage.section,
                url=cited.passage.url,
                snippet=snippet(cited.passage),
                score=cited.passage.similarity,
            )
            for cited in answer.sources
        ],
        grounded=answer.grounded,
        provider=answer.provider,
        cached=cached,
        session_id=session_id,
        request_id=request_id,
    )


async def ask(answerer: Answerer, request: ChatRequest, *, request_id: str) -> ChatResponse:
    """One stateless question, as `folio ask` answers it (no limits, sessions or cache)."""
    answer = await answerer.answer(request.message, doc_type=request.doc_type)
    session_id = request.session_id or secrets.token_urlsafe(12)
    return chat_response(answer, session_id=session_id, request_id=request_id)
