"""Quality on a question set: retrieval (pass rate, recall@k, MRR), the answers themselves (facts
they must hold, words they must not), and refusals of questions the documents cannot answer."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from folio.errors import BadRequest
from folio.sessions import Turn

if TYPE_CHECKING:
    from pathlib import Path

    from folio.answering import Answer, Answerer
    from folio.retrieval import Retriever


class RetrievalTest(BaseModel):
    id: str
    query: str = Field(min_length=1)
    required_content: list[str] = Field(min_length=1)


class UnanswerableTest(BaseModel):
    id: str
    query: str = Field(min_length=1)
    near_miss: bool = False  # the topic is in the documents, the asked fact is not


class AnswerTest(BaseModel):
    id: str
    query: str = Field(min_length=1)
    expected_facts: list[str] = Field(default_factory=list)  # each may hold alternatives: "a|b"
    must_not_contain: list[str] = Field(default_factory=list)
    history: list[str] = Field(default_factory=list)  # earlier questions of the same session

    def judge(self, answer: str) -> bool:
        text = answer.lower()
        has = all(any(alt.strip().lower() in text for alt in fact.split("|")) for fact in self.expected_facts)
        return has and not any(bad.lower() in text for bad in self.must_not_contain)


class EvalSet(BaseModel):
    # The day the answers were true on ("which certifications are still valid?"): the set's
    # documents were written then. None: today.
    as_of: date | None = None
    retrieval_tests: list[RetrievalTest] = Field(default_factory=list)
    unanswerable: list[UnanswerableTest] = Field(default_factory=list)
    answer_tests: list[AnswerTest] = Field(default_factory=list)

    @classmethod
    def from_file(cls, path: Path) -> EvalSet:
        try:
            return cls.model_validate(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise BadRequest(f"eval file {path} is not usable: {exc}") from exc


async def evaluate(answerer: Answerer, tests: EvalSet, *, k: int = 5) -> dict[str, Any]:
    report = await _retrieval(answerer.retriever, tests, k)
    report["answers"] = await _answers(answerer, tests)
    return report


async def _retrieval(retriever: Retriever, tests: EvalSet, k: int) -> dict[str, Any]:
    passed = 0
    recall = 0.0
    reciprocal = 0.0
    context = 0
    failures = []
    for test in tests.retrieval_tests:
        # Whitespace as a reader sees it: a line wrap in the document does not hide a phrase.
        texts = [" ".join(p.text.lower().split()) for p in (await retriever.retrieve(test.query, top_k=k)).passages]
        wanted = [" ".join(s.lower().split()) for s in test.required_content]
        found = [any(s in t for t in texts) for s in wanted]
        if all(found):
            passed += 1
        else:
            failures.append(test.id)
        recall += sum(found) / len(wanted)
        rank = next((n for n, t in enumerate(texts, 1) if any(s in t for s in wanted)), None)
        reciprocal += 1.0 / rank if rank else 0.0
        context += sum(len(t) for t in texts)
    refused = 0
    for question in tests.unanswerable:
        refused += not (await retriever.retrieve(question.query, top_k=k)).grounded
    total = len(tests.retrieval_tests)
    return {
        "retrieval": {
            "total": total,
            "passed": passed,
            "pass_rate": _ratio(passed, total),
            "recall_at_5": _ratio(recall, total),
            "mrr": _ratio(reciprocal, total),
            "mean_context_chars": round(context / total, 1) if total else 0.0,
            "failures": failures,
        },
        "unanswerable": {
            "total": len(tests.unanswerable),
            "refused": refused,
            "refusal_rate": _ratio(refused, len(tests.unanswerable)),
        },
    }


async def _answers(answerer: Answerer, tests: EvalSet) -> dict[str, Any]:
    """Every answer through the whole answer path, as a visitor's session would get it."""
    failures = []
    by_provider: dict[str, dict[str, Any]] = {}
    for test in tests.answer_tests:
        answer = await _ask(answerer, test.query, test.history, tests.as_of)
        ok = test.judge(answer.text)
        tally = by_provider.setdefault(answer.provider, {"total": 0, "passed": 0, "failures": []})
        tally["total"] += 1
        tally["passed"] += ok
        if not ok:
            failures.append(test.id)
            tally["failures"].append(test.id)
    refusals: dict[str, dict[str, Any]] = {}
    for question in tests.unanswerable:
        answer = await _ask(answerer, question.query, [], tests.as_of)
        refused = not answer.grounded and not answer.clarifying
        for group in ("all", "near_miss") if question.near_miss else ("all",):
            tally = refusals.setdefault(group, {"total": 0, "refused": 0, "failures": []})
            tally["total"] += 1
            tally["refused"] += refused
            if not refused:
                tally["failures"].append(question.id)
    for tally in by_provider.values():
        tally["pass_rate"] = _ratio(tally["passed"], tally["total"])
    for tally in refusals.values():
        tally["refusal_rate"] = _ratio(tally["refused"], tally["total"])
    total = len(tests.answer_tests)
    passed = total - len(failures)
    return {
        "total": total,
        "passed": passed,
        "pass_rate": _ratio(passed, total),
        "failures": failures,
        "by_provider": by_provider,
        "refusals": refusals.get("all", {"total": 0, "refused": 0, "refusal_rate": 0.0, "failures": []}),
        "near_miss_refusals": refusals.get(
            "near_miss", {"total": 0, "refused": 0, "refusal_rate": 0.0, "failures": []}
        ),
    }


async def _ask(answerer: Answerer, question: str, earlier: list[str], today: date | None = None) -> Answer:
    history: list[Turn] = []
    for asked in earlier:
        previous = await answerer.answer(asked, history=history, today=today)
        history.append(Turn(asked, previous.text))
    return await answerer.answer(question, history=history, today=today)


def _ratio(part: float, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
