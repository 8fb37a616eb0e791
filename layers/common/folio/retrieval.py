"""Hybrid retrieval: exact vector search and BM25, fused with reciprocal rank fusion."""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from folio.embeddings import Embedder
    from folio.index import Hit, Index, Snapshot

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
    snapshot: Snapshot
    rows: list[int]
    pool: list[int]  # the fused ranking beyond the top k: where the extractive answer also looks

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
        min_similarity: float = 0.15,
        candidates: int = 20,
        cache_size: int = 1024,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.top_k = top_k
        self.min_similarity = min_similarity
        self.candidates = candidates
        self._vectors = _VectorCache(cache_size)

    async def retrieve(self, query: str, *, doc_type: str | None = None, top_k: int | None = None) -> Retrieval:
        k = top_k or self.top_k
        snap = self.index.snapshot()
        # The query embedding (a worker thread; ONNX releases the GIL) overlaps the BM25 search.
        vector, by_text = await asyncio.gather(
            self._embed(query),
            self.index.text_search(query, self.candidates, doc_type),
        )
        by_vector = self.index.vector_search(vector, self.candidates, doc_type)
        best = by_vector[0].score if by_vector else -1.0
        if by_vector and len(snap.unit_matrix) and doc_type is None:
            # One line can be much closer to a short question than its whole chunk is.
            best = max(best, float((snap.unit_matrix @ vector.astype("float32")).max()))
        if best < self.min_similarity:
            # Nothing in the documents is about this question: answer so without calling an LLM.
            return Retrieval([], best, snap.corpus_version, vector, snap, [], [])
        fused = _rrf(by_vector, by_text)
        ranked = sorted(fused, key=lambda row: fused[row], reverse=True)
        rows = ranked[:k]
        similarity = snap.vectors[rows] @ vector
        passages = [
            _passage(snap.record(row), float(sim), fused[row]) for row, sim in zip(rows, similarity, strict=True)
        ]
        return Retrieval(
            passages,
            best,
            snap.corpus_version,
            vector,
            snap,
            [int(r) for r in rows],
            [int(r) for r in ranked[: 2 * k + 2]],
        )

    def passage_at(self, found: Retrieval, row: int) -> Passage:
        """A passage of the same index version by its row, retrieved or not (a listed document)."""
        if row in found.rows:
            return found.passages[found.rows.index(row)]
        similarity = float(found.snapshot.vectors[row] @ found.query_vector)
        return _passage(found.snapshot.record(row), similarity, 0.0)

    async def _embed(self, query: str) -> np.ndarray:
        key = " ".join(query.lower().split())
        vector = self._vectors.get(key)
        if vector is None:
            # asyncio's executor, not anyio's: anyio stops its worker threads when the root task
            # ends, which under Mangum is every invocation (a new thread each time, ~1 ms).
            vector = (await asyncio.to_thread(self.embedder.embed_batch, [query]))[0]
            self._vectors.put(key, vector)
        return vector


class _VectorCache:
    """Query embeddings by normalised text: visitors ask the same few questions again and again."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> np.ndarray | None:
        with self._lock:
            vector = self._items.get(key)
            if vector is not None:
                self._items.move_to_end(key)
            return vector

    def put(self, key: str, vector: np.ndarray) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key] = vector
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def _passage(record: dict[str, Any], similarity: float, fused: float) -> Passage:
    return Passage(
        id=record["id"],
        source=record["source"],
        title=record["title"],
        section=record["section"],
        url=record["url"],
        doc_type=record["doc_type"],
        text=record["text"],
        similarity=round(similarity, 4),
        fused=round(fused, 6),
    )


def _rrf(*rankings: list[Hit]) -> dict[int, float]:
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking):
            scores[hit.row] = scores.get(hit.row, 0.0) + 1.0 / (_RRF_K + rank + 1)
    return scores
