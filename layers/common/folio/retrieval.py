"""Hybrid retrieval: exact vector search and BM25, fused with reciprocal rank fusion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from folio.embeddings import Embedder
    from folio.index import Hit, Index

_RRF_K = 60


@dataclass(frozen=True)
class Passage:
    id: str
    source: str
    title: str
    section: str
    url: str
    doc_type: str
    text: str
    similarity: float
    fused: float


@dataclass(frozen=True)
class Retrieval:
    passages: list[Passage]
    best_similarity: float
    corpus_version: str
    query_vector: np.ndarray

    @property
    def grounded(self) -> bool:
        return bool(self.passages)


class Retriever:
    def __init__(
        self,
        index: Index,
        embedder: Embedder,
        *,
        top_k: int = 5,
        min_similarity: float = 0.26,
        candidates: int = 20,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.top_k = top_k
        self.min_similarity = min_similarity
        self.candidates = candidates

    def retrieve(self, query: str, *, doc_type: str | None = None, top_k: int | None = None) -> Retrieval:
        k = top_k or self.top_k
        snap = self.index.snapshot()
        vector = self.embedder.embed_batch([query])[0]
        by_vector = self.index.vector_search(vector, self.candidates, doc_type)
        by_text = self.index.text_search(query, self.candidates, doc_type)
        best = by_vector[0].score if by_vector else -1.0
        if best < self.min_similarity:
            # Nothing in the documents is about this question: answer so without calling an LLM.
            return Retrieval([], best, snap.corpus_version, vector)
        fused = _rrf(by_vector, by_text)
        rows = sorted(fused, key=lambda row: fused[row], reverse=True)[:k]
        similarity = snap.vectors[rows] @ vector if rows else np.zeros(0)
        passages = []
        for row, sim in zip(rows, similarity, strict=True):
            record = snap.record(row)
            passages.append(
                Passage(
                    id=record["id"],
                    source=record["source"],
                    title=record["title"],
                    section=record["section"],
                    url=record["url"],
                    doc_type=record["doc_type"],
                    text=record["text"],
                    similarity=round(float(sim), 4),
                    fused=round(fused[row], 6),
                )
            )
        return Retrieval(passages, best, snap.corpus_version, vector)


def _rrf(*rankings: list[Hit]) -> dict[int, float]:
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking):
            scores[hit.row] = scores.get(hit.row, 0.0) + 1.0 / (_RRF_K + rank + 1)
    return scores
