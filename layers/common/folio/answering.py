"""From a question to a cited answer, or a refusal: one pipeline for chat, `folio ask`, `folio eval`
and the Lambda handler alike.

retrieve (with the relevance floor) -> find the evidence (the answerability check: no evidence,
no LLM call) -> the LLM's reply when it is grounded, else the extractive answer.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Protocol

from folio.answers.conversation import follow_up
from folio.answers.corpus import CorpusCache
from folio.answers.extractive import Extractor
from folio.answers.grounding import StreamedReply, grounded_reply
from folio.answers.question import analyse
from folio.answers.text import stem, words
from folio.answers.writing import Writer
from folio.markup import plain_text, safe_url
from folio.prompt import build_messages

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from folio.answers.corpus import Corpus
    from folio.answers.extractive import Draft
    from folio.answers.question import Question
    from folio.llm import Completion, LLMChain
    from folio.retrieval import Passage, Retrieval, Retriever
    from folio.schemas import ChatRequest, ChatResponse, Source
    from folio.sessions import Turn


@dataclass(frozen=True)
class CitedSource:
    n: int
    passage: Passage
    quote: str = ""  # the line an extractive answer quotes from it: the snippet a visitor sees


@dataclass(frozen=True)
class Answer:
    text: str
    sources: list[CitedSource]
    grounded: bool
    provider: str
    corpus_version: str
    completion: Completion | None = None
    clarifying: bool = False


class Listener(Protocol):
    """Follows one answer as it is made (the streaming route): the passages retrieved, then the
    LLM's reply as it arrives, only what a visitor may see of it (folio.answers.grounding)."""

    def retrieved(self, passages: Sequence[Passage]) -> None: ...

    def text(self, delta: str) -> None: ...


class Answerer:
    def __init__(self, retriever: Retriever, chain: LLMChain, *, owner: str = "the site owner") -> None:
        self.retriever = retriever
        self.chain = chain
        self.owner = owner
        self.writer = Writer(owner)
        # (A double surname's parts too: "Marchbank-Quintas" is asked of as "Marchbank" and "Quintas".)
        named = [*words(owner), *(part for w in words(owner) if "-" in w for part in w.split("-") if part)]
        self._names = frozenset(w.lower() for w in named)
        self._owner_words = self._names | frozenset(stem(w) for w in named)
        self._corpora = CorpusCache()

    def analyse(self, question: str) -> Question:
        """What is asked, the owner's names (and what the documents also call them) set aside."""
        known = self.retriever.index.snapshot()
        aliases = self._corpora.get(known).aliases if known.size else {}
        also = [alias for name in (*self._names, "") for alias in aliases.get(name, ())]
        return analyse(question, owner_words=self._owner_words | {*also, *map(stem, also)})

    async def answer(
        self,
        question: str,
        *,
        doc_type: str | None = None,
        history: Sequence[Turn] = (),
        use_llm: Callable[[], Awaitable[bool]] | None = None,
        history_tokens: int = 600,
        listener: Listener | None = None,
        today: date | None = None,
    ) -> Answer:
        """`history`: the session's earlier turns (follow-ups lean on them). `use_llm` is asked just
        before an LLM would be called (the owner's budget; not when every provider is skipped);
        when it says no, or every provider fails, the answer is extractive. A `listener` is told
        the passages found and sees the LLM's reply stream in. `today`: the day a credential's
        validity is judged on (the clock's, unless an evaluation fixes it)."""
        day = today or date.today()
        asked = self.analyse(question)
        turn = follow_up(question, asked, history, self.analyse)
        found = await self.retriever.retrieve(turn.search, doc_type=doc_type)
        if listener is not None:
            listener.retrieved(found.passages)
        corpus = self._corpora.get(found.snapshot) if found.snapshot.size else None
        if asked.vague and not history and corpus is not None and not corpus.names_a_field(asked.terms):
            among = await asyncio.to_thread(self._entries_of, question, asked, corpus, found, day)
            # (The topic named, if one is: "Experience?"; not "more?".)
            noun = " ".join(words(question)).lower() if corpus.names_a_topic(asked.terms) else ""
            text = self.writer.clarify(corpus, found.snapshot, among=among, noun=noun)
            return Answer(text, [], False, "none", found.corpus_version, clarifying=True)
        if not found.grounded or corpus is None:
            return self._refusal(found, "none")
        target = self.analyse(turn.question) if turn.question != question else asked

        def extract() -> Draft:
            extractor = Extractor(
                corpus,
                found.snapshot,
                found.query_vector,
                found.rows,
                found.pool,
                today=day,
                said=turn.said,
            )
            if turn.among and (picked := extractor.pick(target, turn.among)) is not None:
                return picked
            return extractor.answer_all(target, self.analyse, topic=turn.topic, shown=turn.shown)

        # The answerability check: no evidence in the documents, no LLM call.
        draft = await asyncio.to_thread(extract)
        if draft.kind == "refusal":
            return self._refusal(found, "none")
        completion = None
        if self.chain.providers:
            messages = build_messages(
                question,
                found.passages,
                owner=self.owner,
                history=history,
                history_tokens=history_tokens,
                today=day,
            )
            completion = await self.chain.complete(messages, admit=use_llm, on_delta=_shown(listener, found))
        if completion is not None:
            reply = grounded_reply(completion.text, len(found.passages))
            if reply is None:
                return self._refusal(found, completion.provider, completion)
            text, cited = reply
            sources = [CitedSource(n, found.passages[original - 1]) for n, original in enumerate(cited, 1)]
            return Answer(text, sources, True, completion.provider, found.corpus_version, completion)
        return self._extractive(found, draft, corpus.first_person)

    def _entries_of(self, question: str, asked: Question, corpus: Corpus, found: Retrieval, day: date) -> list[str]:
        """What a one-word topic lists, by name ("Projects?": RampCast, dmi-harvester), to ask which
        of them is meant; none when the topic lists no short names."""
        if len(asked.terms) != 1 or not question.rstrip(" ?").lower().endswith("s"):
            return []  # (Of a plural: "Experience?" asks of no list.)
        listed = self.analyse(f"What are {self.writer.possessive} {' '.join(words(question)).lower()}?")
        extractor = Extractor(corpus, found.snapshot, found.query_vector, found.rows, found.pool, today=day)
        draft = extractor.answer(listed)
        # (By name: "Larkspur", not "Larkspur — real-time feature store at Tidewell Health".)
        names = [_TITLE_REST.split(line.text)[0] for line in draft.lines]
        short = all(len(name.split()) <= _NAME_WORDS for name in names)
        return names if draft.listing and not draft.more and 2 <= len(names) <= _NAMES and short else []

    def _extractive(self, found: Retrieval, draft: Draft, voiced: frozenset[int]) -> Answer:
        text, rows = self.writer.draft(draft, voiced)
        quotes: dict[int, str] = {}
        for line in draft.lines:
            quotes.setdefault(line.row, line.text)
        sources = [CitedSource(n, self.retriever.passage_at(found, row), quotes[row]) for n, row in enumerate(rows, 1)]
        return Answer(text, sources, True, "extractive", found.corpus_version)

    def _refusal(self, found: Retrieval, provider: str, completion: Completion | None = None) -> Answer:
        corpus = self._corpora.get(found.snapshot) if found.snapshot.size else None
        text = self.writer.refusal(corpus, found.snapshot)
        return Answer(text, [], False, provider, found.corpus_version, completion)


_NAMES = 6  # a clarifying question offers at most this many entries by name
_TITLE_REST = re.compile(r" [—–] | - |: ")
_NAME_WORDS = 8


def _shown(listener: Listener | None, found: Retrieval) -> Callable[[str], None] | None:
    if listener is None:
        return None
    reply = StreamedReply(len(found.passages))

    def on_delta(delta: str) -> None:
        visible = reply.feed(delta)
        if visible:
            listener.text(visible)

    return on_delta


def snippet(passage: Passage, limit: int = 240) -> str:
    return _short(passage.text.split("\n\n", 1)[-1].replace("\n", " ").strip(), limit)


def _short(text: str, limit: int = 240) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def chat_response(
    answer: Answer, *, session_id: str, answer_id: str, request_id: str, cached: bool = False
) -> ChatResponse:
    """What a client receives: every string an LLM or a document wrote passes `plain_text`."""
    from folio.schemas import ChatResponse

    return ChatResponse(
        answer=plain_text(answer.text),
        sources=[public_source(cited) for cited in answer.sources],
        grounded=answer.grounded,
        provider=answer.provider,
        cached=cached,
        session_id=session_id,
        answer_id=answer_id,
        request_id=request_id,
    )


def public_source(cited: CitedSource) -> Source:
    from folio.schemas import Source

    return Source(
        n=cited.n,
        id=cited.passage.id,
        title=plain_text(cited.passage.title),
        section=plain_text(cited.passage.section),
        url=safe_url(cited.passage.url),
        snippet=plain_text(_short(cited.quote) if cited.quote else snippet(cited.passage)),
        score=cited.passage.similarity,
    )


async def ask(answerer: Answerer, request: ChatRequest, *, request_id: str) -> ChatResponse:
    """One stateless question, as `folio ask` answers it (no limits, sessions, cache or feedback:
    its ids are random, and no server accepts them)."""
    answer = await answerer.answer(request.message, doc_type=request.doc_type)
    session_id = request.session_id or secrets.token_urlsafe(12)
    return chat_response(answer, session_id=session_id, answer_id=secrets.token_urlsafe(12), request_id=request_id)
