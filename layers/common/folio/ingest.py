"""Incremental ingest: read a folder, chunk, embed only what is new, commit one index version."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from folio import documents
from folio.answers.units import parse_units
from folio.chunking import Chunk, chunk_document
from folio.errors import IngestError
from folio.index import embedded_by

if TYPE_CHECKING:
    from pathlib import Path

    import pyarrow as pa

    from folio.embeddings import Embedder
    from folio.index import Index

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
_EMBED_STEP = 64


@dataclass
class Skipped:
    source: str
    error: str


@dataclass
class IngestSummary:
    files: int = 0
    chunks: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    embedded: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    # Why every chunk was embedded again: the index's vectors were made by another model.
    reembedded: str | None = None
    index_version: int | None = None
    corpus_version: str | None = None
    seconds: float = 0.0
    # Seconds per phase: read (discover, parse, chunk), diff (the stored rows), embed_chunks,
    # embed_units, write (the table commit, full-text index, compaction), refresh (the new snapshot).
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - started, 3)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.reembedded)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        lines = [
            f"{self.files} files, {self.chunks} chunks: {self.added} added, {self.updated} updated, "
            f"{self.removed} removed, {self.unchanged} unchanged ({self.embedded} embedded) "
            f"in {self.seconds:.2f} s",
        ]
        if self.reembedded:
            lines.append(f"re-embedded everything: {self.reembedded}")
        if not self.changed:
            lines.append("index unchanged" + (f" (corpus {self.corpus_version})" if self.corpus_version else ""))
        else:
            lines.append(f"index version {self.index_version}, corpus {self.corpus_version}")
        lines += [f"skipped {s.source}: {s.error}" for s in self.skipped]
        return "\n".join(lines)

    def describe_timings(self) -> str:
        return "  ".join(f"{name} {seconds:.2f} s" for name, seconds in self.timings.items())


def run_ingest(
    docs_dir: Path,
    index: Index,
    embedder: Embedder,
    *,
    chunk_chars: int = 800,
    overlap_chars: int = 120,
    progress: Progress | None = None,
) -> IngestSummary:
    started = time.perf_counter()
    summary = IngestSummary()
    with summary.phase("read"):
        chunks = _read(docs_dir, summary, chunk_chars, overlap_chars)
    with summary.phase("diff"):
        units = {c.id: unit_texts(c.text) for c in chunks}
        corpus = _digest(units)
        # What the last ingest left, if the table is still as it left it: nothing to do.
        note = None if summary.skipped else index.ingest_note(corpus, embedder.identity)
    if note is not None:
        summary.chunks = summary.unchanged = len(chunks)
        summary.corpus_version = note.corpus_version
        summary.seconds = round(time.perf_counter() - started, 3)
        return summary
    with summary.phase("diff"):
        stored = index.stored_rows(["id", "source", "section", "part", "vector", *_CARRIED, *_UNITS])
        if stored is not None:
            summary.reembedded = _other_model(embedded_by(stored.schema), embedder.identity)
        # Another model's vectors are of no use: every text is embedded again.
        old = _StoredCorpus(stored, keep_vectors=summary.reembedded is None)
    # A file that exists but failed to read keeps its previous chunks: nothing is lost to a typo.
    broken = {s.source for s in summary.skipped}
    kept = old.rows_for_sources(broken)
    new_ids = {c.id for c in chunks} | set(kept)
    # New, or changed in text or metadata (a chunk's id covers both).
    fresh = [c for c in chunks if c.id not in old.ids]
    # A fresh chunk that takes the place (file, section, part) of a vanished one is an update.
    gone_keys = [key for cid, key in old.key_of.items() if cid not in new_ids]
    fresh_keys = {_key(c) for c in fresh}
    summary.updated = sum(1 for c in fresh if _key(c) in set(gone_keys))
    summary.added = len(fresh) - summary.updated
    summary.removed = sum(1 for key in gone_keys if key not in fresh_keys)
    summary.unchanged = len(new_ids) - len(fresh)
    summary.chunks = len(new_ids)

    with summary.phase("diff"):
        units |= {cid: unit_texts(row["text"]) for cid, row in kept.items()}
    if summary.changed or stored is None or any(units[cid] != old.unit_texts.get(cid) for cid in units):
        # Only text nobody embedded yet: a chunk whose front matter alone changed keeps its vector.
        texts = [c.text for c in chunks] + [row["text"] for row in kept.values()]
        texts = list(dict.fromkeys(t for t in texts if t not in old.text_vectors))
        with summary.phase("embed_chunks"):
            vectors = {**old.text_vectors, **dict(zip(texts, _embed(texts, embedder, progress), strict=True))}
        summary.embedded = len(texts)
        missing = sorted({t for texts in units.values() for t in texts} - old.unit_vectors.keys())
        with summary.phase("embed_units"):
            unit_vectors = {**old.unit_vectors, **dict(zip(missing, _embed(missing, embedder, None), strict=True))}
        with summary.phase("write"):
            rows = _table(chunks, vectors, kept, units, unit_vectors)
            summary.index_version = index.replace_corpus(rows, embedder.identity)
    with summary.phase("refresh"):
        snap = index.refresh()
        summary.corpus_version = snap.corpus_version
        if not summary.skipped:
            index.write_ingest_note(corpus, embedder.identity, snap)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _read(docs_dir: Path, summary: IngestSummary, chunk_chars: int, overlap_chars: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    for path in documents.discover(docs_dir):
        try:
            doc = documents.load(path, docs_dir)
        except IngestError as exc:
            log.warning("skipping document: %s", exc.message)
            summary.skipped.append(Skipped(path.relative_to(docs_dir).as_posix(), exc.message))
            continue
        summary.files += 1
        chunks += chunk_document(doc, max_chars=chunk_chars, overlap=overlap_chars)
    return chunks


_CARRIED = ("title", "text", "doc_type", "url", "tags", "dates", "file_sha256")
_UNITS = ("unit_texts", "unit_vectors")


def unit_texts(text: str) -> list[str]:
    """The chunk's evidence units as they are embedded, each once."""
    return list(dict.fromkeys(unit.embed_text for unit in parse_units(text)))


def _digest(units: dict[str, list[str]]) -> str:
    """Everything the diff compares: the chunk ids (text and metadata) and their evidence units."""
    digest = hashlib.sha256()
    for chunk_id in sorted(units):
        digest.update("\x1e".join([chunk_id, *units[chunk_id]]).encode() + b"\x1d")
    return digest.hexdigest()


def _key(chunk: Chunk) -> tuple[str, str, int]:
    return (chunk.source, chunk.section, chunk.part)


def _other_model(recorded: str | None, current: str) -> str | None:
    if recorded == current:
        return None
    if recorded is None:
        return f"the index does not record its embedding model (an earlier folio); this folio embeds with {current}"
    return f"the index was embedded by {recorded}; this folio embeds with {current}"


class _StoredCorpus:
    def __init__(self, stored: pa.Table | None, *, keep_vectors: bool) -> None:
        self.table = stored
        self.ids: set[str] = set()
        self.text_vectors: dict[str, np.ndarray] = {}
        self.key_of: dict[str, tuple[str, str, int]] = {}
        self.unit_texts: dict[str, list[str]] = {}
        self.unit_vectors: dict[str, np.ndarray] = {}
        if stored is None or stored.num_rows == 0:
            return
        if keep_vectors and "unit_vectors" in stored.column_names:
            for chunk_id, texts, vectors in zip(
                stored["id"].to_pylist(),
                stored["unit_texts"].to_pylist(),
                stored["unit_vectors"].to_pylist(),
                strict=True,
            ):
                self.unit_texts[chunk_id] = texts or []
                self.unit_vectors.update(
                    zip(texts or [], (np.asarray(v, dtype=np.float32) for v in vectors or []), strict=True)
                )
        ids = stored["id"].to_pylist()
        flat = stored["vector"].combine_chunks().values.to_numpy(zero_copy_only=False)
        matrix = flat.reshape(len(ids), -1)
        sources, sections, parts, texts = (stored[c].to_pylist() for c in ("source", "section", "part", "text"))
        self.ids = set(ids)
        for n, chunk_id in enumerate(ids):
            if keep_vectors:
                self.text_vectors[texts[n]] = matrix[n]
            self.key_of[chunk_id] = (sources[n], sections[n], parts[n])

    def rows_for_sources(self, sources: set[str]) -> dict[str, dict[str, Any]]:
        if self.table is None or not sources:
            return {}
        return {row["id"]: row for row in self.table.to_pylist() if row["source"] in sources}


def _embed(texts: list[str], embedder: Embedder, progress: Progress | None) -> np.ndarray:
    parts = []
    for start in range(0, len(texts), _EMBED_STEP):
        parts.append(embedder.embed_batch(texts[start : start + _EMBED_STEP]))
        if progress is not None:
            progress(min(start + _EMBED_STEP, len(texts)), len(texts))
    if not parts:
        return np.zeros((0, embedder.dimensions), dtype=np.float32)
    return np.vstack(parts)


def _table(
    chunks: list[Chunk],
    vectors: dict[str, np.ndarray],
    kept: dict[str, dict[str, Any]],
    units: dict[str, list[str]],
    unit_vectors: dict[str, np.ndarray],
) -> pa.Table:
    import pyarrow as pa

    from folio.index import schema

    records = [
        {
            "id": c.id,
            "source": c.source,
            "title": c.title,
            "section": c.section,
            "part": c.part,
            "text": c.text,
            "doc_type": c.doc_type,
            "url": c.url,
            "tags": c.tags,
            "dates": c.dates,
            "file_sha256": c.file_sha256,
            "vector": vectors[c.text].tolist(),
            "unit_texts": units[c.id],
            "unit_vectors": [unit_vectors[t].tolist() for t in units[c.id]],
        }
        for c in chunks
    ]
    for cid, row in kept.items():
        texts = units[cid]
        records.append(
            {
                **row,
                "vector": vectors[row["text"]].tolist(),
                "unit_texts": texts,
                "unit_vectors": [unit_vectors[t].tolist() for t in texts],
            }
        )
    return pa.Table.from_pylist(records, schema=schema())
