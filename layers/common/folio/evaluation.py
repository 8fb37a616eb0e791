"""Retrieval quality on a question set: pass rate, recall@k, MRR, and refusals of unanswerable questions."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from folio.errors import BadRequest

if TYPE_CHECKING:
    from pathlib import Path

    from folio.retrieval import Retriever


class RetrievalTest(BaseModel):
    id: str
    query: str = Field(min_length=1)
    required_content: list[str] = Field(min_length=1)


class UnanswerableTest(BaseModel):
    id: str
    query: str = Field(min_length=1)


class EvalSet(BaseModel):
    retrieval_tests: list[RetrievalTest] = Field(default_factory=list)
    unanswerable: list[UnanswerableTest] = Field(default_factory=list)

    @classmethod
    def from_file(cls, path: Path) -> EvalSet:
        try:
            return cls.model_validate(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise BadRequest(f"eval file {path} is not usable: {exc}") from exc


async def evaluate(retriever: Retriever, tests: EvalSet, *, k: int = 5) -> dict[str, Any]:
    passed = 0
    recall = 0.0
    reciprocal = 0.0
    context = 0
    failures = []
    for test in tests.retrieval_tests:
        texts = [p.text.lower() for p in (await retriever.retrieve(test.query, top_k=k)).passages]
        wanted = [s.lower() for s in test.required_content]
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


def _ratio(part: float, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
