"""The quality gate: the sample knowledge base must not score below the committed baseline."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from folio.evaluation import EvalSet, evaluate
from folio.index import Index
from folio.retrieval import Retriever
from folio.settings import Settings

if TYPE_CHECKING:
    from folio.embeddings import Embedder

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"

pytestmark = pytest.mark.e2e


def test_sample_eval_meets_the_baseline(sample_index: Path, embedder: Embedder) -> None:
    baseline = json.loads((KNOWLEDGE / "eval-baseline.json").read_text())
    defaults = Settings(_env_file=None)
    retriever = Retriever(
        Index(str(sample_index)),
        embedder,
        top_k=5,
        min_similarity=defaults.min_similarity,
    )
    tests = EvalSet.from_file(KNOWLEDGE / "eval.json")
    assert len(tests.retrieval_tests) >= 30 and len(tests.unanswerable) >= 8
    report = asyncio.run(evaluate(retriever, tests))
    assert report["retrieval"]["pass_rate"] >= baseline["min_pass_rate"], report
    assert report["unanswerable"]["refusal_rate"] >= baseline["min_refusal_rate"], report
