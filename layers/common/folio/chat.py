"""One public chat turn: limits, the session, the cache, the owner's budget, then the answer."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from folio.answering import chat_response
from folio.cache import answer_cache_key
from folio.prompt import prompt_version
from folio.schemas import ChatResponse
from folio.sessions import Turn

if TYPE_CHECKING:
    from folio.answering import Answer, Answerer, Listener
    from folio.budget import Budget
    from folio.cache import AnswerCache
    from folio.feedback import Feedback
    from folio.metrics import Metrics
    from folio.ratelimit import Limits
    from folio.schemas import ChatRequest
    from folio.sessions import Conversations, SessionIds

log = logging.getLogger(__name__)
_LOGGED_QUESTION_CHARS = 300
T = TypeVar("T")


@dataclass(frozen=True)
class Admitted:
    """A question the limits let through: its session, the rate-limit headers, what it may reuse."""

    session_id: str
    headers: dict[str, str]
    history: list[Turn]
    key: str | None  # the answer cache's key, when this question may be cached
    cached: dict[str, Any] | None


class ChatService:
    def __init__(
        self,
        answerer: Answerer,
        *,
        limits: Limits,
        session_ids: SessionIds,
        conversations: Conversations,
        cache: AnswerCache,
        budget: Budget,
        feedback: Feedback,
        prefix: str,
        history_tokens: int = 600,
        metrics: Metrics | None = None,
        log_questions: bool = False,
    ) -> None:
        self.answerer = answerer
        self.limits = limits
        self.session_ids = session_ids
        self.conversations = conversations
        self.cache = cache
        self.budget = budget
        self.feedback = feedback
        self.prefix = prefix
        self.history_tokens = history_tokens
        self.metrics = metrics
        self.log_questions = log_questions

    async def turn(self, request: ChatRequest, *, client: str, request_id: str) -> tuple[ChatResponse, dict[str, str]]:
        """The answer and the rate-limit headers to send with it."""
        admitted = await self.admit(request, client=client)
        return await self.respond(request, admitted, request_id=request_id), admitted.headers

    async def admit(self, request: ChatRequest, *, client: str) -> Admitted:
        """Everything that may refuse the question (limits, the session), done before any answer
        starts: the streaming route answers these refusals as JSON errors. `client` is the client's
        key (folio.clientip.client_key). Per-client checks run first, so one client cannot use up
        the capacity that everyone shares. Independent store calls run together: on Upstash each
        one is an HTTP round trip."""
        limits = self.limits.for_client(client)
        await asyncio.gather(limits.hit("ip_burst", client), limits.hit("ip_hourly", client))
        if request.session_id is None:
            await limits.hit("ip_sessions", client)
            await limits.hit("client_sessions", client)
            await limits.hit("live_sessions", "all")
            session_id = self.session_ids.issue()
        else:
            self.session_ids.verify(request.session_id)
            session_id = request.session_id

        key = self._cache_key(request.message) if request.session_id is None and request.doc_type is None else None
        decision, history, cached = await asyncio.gather(
            limits.hit("session", session_id),
            self.conversations.history(session_id) if request.session_id else _nothing(list[Turn]()),
            self.cache.get(key) if key else _nothing(None),
        )
        return Admitted(session_id, decision.headers(), history, key, cached)

    async def respond(
        self, request: ChatRequest, admitted: Admitted, *, request_id: str, listener: Listener | None = None
    ) -> ChatResponse:
        """The answer to an admitted question, and what it leaves behind: the budget spent, the
        cache entry, the conversation's new turn, the answer kept for feedback, the metrics."""
        session_id, key = admitted.session_id, admitted.key
        answer_id = self.session_ids.answer_id(session_id)
        writes = []
        if admitted.cached is not None:
            ids = {"session_id": session_id, "answer_id": answer_id, "request_id": request_id}
            response = ChatResponse.model_validate({**admitted.cached, "cached": True, **ids})
        else:
            answer = await self.answerer.answer(
                request.message,
                doc_type=request.doc_type,
                history=admitted.history,
                use_llm=self.budget.reserve_call,
                history_tokens=self.history_tokens,
                listener=listener,
            )
            response = chat_response(answer, session_id=session_id, answer_id=answer_id, request_id=request_id)
            if answer.completion is not None:
                used = answer.completion.prompt_tokens + answer.completion.completion_tokens
                writes.append(self.budget.record_tokens(used))
            if key and _cacheable(answer):
                writes.append(self.cache.put(key, _cache_payload(response)))
        writes.append(self.conversations.append(session_id, Turn(request.message, response.answer)))
        writes.append(self.feedback.remember(request.message, response))
        await asyncio.gather(*writes)
        if self.metrics is not None:
            self.metrics.count(
                "answers",
                provider=response.provider,
                grounded=str(response.grounded).lower(),
                cached=str(response.cached).lower(),
            )
            if not response.grounded:
                self.metrics.count("refusals")
        if self.log_questions:
            question = request.message[:_LOGGED_QUESTION_CHARS]
            outcome = {"provider": response.provider, "grounded": response.grounded, "cached": response.cached}
            log.info("question", extra={"question": question, **outcome})
        return response

    def _cache_key(self, question: str) -> str | None:
        providers = self.answerer.chain.providers
        if not providers:
            return None  # extractive answers are cheap and not worth a cache entry
        model = f"{providers[0].name}:{providers[0].model}"
        corpus = self.answerer.retriever.index.snapshot().corpus_version
        return answer_cache_key(
            self.prefix, question, corpus_version=corpus, prompt_version=prompt_version(date.today()), model=model
        )


async def _nothing(value: T) -> T:
    return value


def _cacheable(answer: Answer) -> bool:
    # Only LLM answers: an extractive one (budget spent, Groq down) should not outlive the cause.
    return answer.grounded and answer.provider in {"groq", "ollama"}


def _cache_payload(response: ChatResponse) -> dict[str, Any]:
    return response.model_dump(mode="json", include={"answer", "sources", "grounded", "provider"})
