from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from folio.index import Index
from folio.ingest import run_ingest

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np

    from folio.embeddings import Embedder

DATA = Path(__file__).resolve().parents[1] / "data"


class CountingEmbedder:
    """The real model behind the Embedder seam, counting what it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.identity = inner.identity
        self.dimensions = inner.dimensions
        self.texts: list[str] = []

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += texts
        return self.inner.embed_batch(texts)


def _split(texts: list[str]) -> tuple[list[str], list[str]]:
    """Chunk texts (a heading path, a blank line, the body) and evidence-unit texts (one line)."""
    return [t for t in texts if "\n\n" in t], [t for t in texts if "\n\n" not in t]


def test_first_run_then_unchanged_rerun_embeds_nothing(docs: Path, tmp_path: Path, embedder: Embedder) -> None:
    counting = CountingEmbedder(embedder)
    index = Index(str(tmp_path / "index"))
    first = run_ingest(docs, index, counting)
    assert first.files == 12 and first.added == first.chunks > 40
    chunks, units = _split(counting.texts)
    assert len(chunks) == first.chunks
    assert len(units) == len(set(units)) == len(index.snapshot().unit_rows), "each evidence unit embedded once"
    version = index.snapshot().version

    counting.texts.clear()
    second = run_ingest(docs, index, counting)
    assert counting.texts == []
    assert (second.added, second.updated, second.removed, second.unchanged) == (0, 0, 0, first.chunks)
    assert index.snapshot().version == version, "no new index version for unchanged input"
    assert second.corpus_version == first.corpus_version
    # Each phase that ran is timed; an unchanged run embeds and writes nothing, and answers from
    # the note the first one left beside the table, without opening it.
    assert list(first.timings) == ["read", "diff", "embed_chunks", "embed_units", "write", "refresh"]
    assert list(second.timings) == ["read", "diff"]
    assert sum(first.timings.values()) <= first.seconds + 0.01
    assert (tmp_path / "index" / "chunks.ingested.json").is_file()


CHILD = """
import json, sys
from folio.runtime import Runtime
from folio.settings import Settings
summary = Runtime(Settings(_env_file=None, index_uri=sys.argv[2])).ingest(sys.argv[1])
heavy = sorted(m for m in ("lancedb", "pyarrow", "onnxruntime", "tokenizers") if m in sys.modules)
print(json.dumps({"chunks": summary.chunks, "changed": summary.changed, "heavy": heavy}))
"""


def test_an_unchanged_ingest_neither_opens_the_index_nor_loads_the_model(docs: Path, tmp_path: Path) -> None:
    """What the second `folio ingest` of the same folder imports, in a process of its own."""
    import json
    import subprocess
    import sys

    def ingest() -> dict[str, object]:
        command = [sys.executable, "-c", CHILD, str(docs), str(tmp_path / "index")]
        out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=300).stdout
        result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
        return result

    first = ingest()
    assert first["changed"] and first["heavy"] == ["lancedb", "onnxruntime", "pyarrow", "tokenizers"]
    assert ingest() == {"chunks": first["chunks"], "changed": False, "heavy": []}


def test_the_note_is_not_trusted_once_anything_else_wrote_the_table(
    docs: Path, tmp_path: Path, embedder: Embedder
) -> None:
    """A row added behind folio's back (another tool, an older folio) is seen and removed."""
    from folio.index import import_lancedb

    path = tmp_path / "index"
    run_ingest(docs, Index(str(path)), embedder)
    table = import_lancedb().connect(str(path)).open_table("chunks")
    row = table.to_arrow().slice(0, 1).to_pylist()[0]
    table.add([{**row, "id": "stray", "source": "stray.md"}])
    summary = run_ingest(docs, Index(str(path)), embedder)
    assert summary.removed == 1 and summary.embedded == 0 and "diff" in summary.timings and "write" in summary.timings
    assert "stray" not in Index(str(path)).snapshot().columns["id"]
    assert "write" not in run_ingest(docs, Index(str(path)), embedder).timings


def test_the_note_is_not_trusted_for_other_chunking_or_a_file_that_breaks(
    docs: Path, tmp_path: Path, embedder: Embedder
) -> None:
    path = tmp_path / "index"
    first = run_ingest(docs, Index(str(path)), embedder)
    wider = run_ingest(docs, Index(str(path)), embedder, chunk_chars=1600)
    assert wider.changed and wider.chunks < first.chunks
    (docs / "about.md").write_text("---\ntitle: [unclosed\n---\nbody")
    broken = run_ingest(docs, Index(str(path)), embedder, chunk_chars=1600)
    assert [s.source for s in broken.skipped] == ["about.md"] and "refresh" in broken.timings
    assert broken.chunks == wider.chunks and not broken.changed


def test_editing_one_section_re_embeds_only_that_chunk(docs: Path, tmp_path: Path, embedder: Embedder) -> None:
    counting = CountingEmbedder(embedder)
    index = Index(str(tmp_path / "index"))
    first = run_ingest(docs, index, counting)
    resume = docs / "resume.md"
    resume.write_text(resume.read_text().replace("Gothenburg", "Göteborg", 1))
    counting.texts.clear()
    second = run_ingest(docs, index, counting)
    assert second.updated >= 1 and second.added == 0 and second.removed == 0
    chunks, units = _split(counting.texts)
    assert len(chunks) == second.updated <= 2 and units
    assert all("Göteborg" in t for t in counting.texts), "only the edited chunk and its edited lines"
    assert second.corpus_version != first.corpus_version


def test_deleted_files_lose_their_chunks_and_new_files_are_added(
    docs: Path, tmp_path: Path, embedder: Embedder
) -> None:
    index = Index(str(tmp_path / "index"))
    run_ingest(docs, index, embedder)
    (docs / "talks.txt").unlink()
    (docs / "hobby.md").write_text("---\ntitle: Hobbies\ndoc_type: about\n---\n# Hobbies\n\nShe keeps bees.")
    summary = run_ingest(docs, index, embedder)
    sources = set(index.snapshot().columns["source"])
    assert "talks.txt" not in sources and "hobby.md" in sources
    assert summary.removed >= 1 and summary.added == 1
    assert any("bees" in text for text in index.snapshot().columns["text"])


def test_bad_files_are_reported_and_skipped_without_aborting(tmp_path: Path, embedder: Embedder) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(DATA / "bad", docs)
    summary = run_ingest(docs, Index(str(tmp_path / "index")), embedder)
    assert summary.files == 1
    assert sorted(s.source for s in summary.skipped) == ["bad-frontmatter.md", "broken.pdf", "empty.md"]
    assert "quokka lighthouse" in " ".join(Index(str(tmp_path / "index")).snapshot().columns["text"])
    text = summary.describe()
    assert "skipped broken.pdf" in text and "skipped empty.md" in text


def test_a_file_that_breaks_keeps_its_previous_chunks(docs: Path, tmp_path: Path, embedder: Embedder) -> None:
    index = Index(str(tmp_path / "index"))
    run_ingest(docs, index, embedder)
    before = [
        t for s, t in zip(*(index.snapshot().columns[c] for c in ("source", "text")), strict=True) if s == "about.md"
    ]
    (docs / "about.md").write_text("---\ntitle: [unclosed\n---\nbody")
    summary = run_ingest(docs, index, embedder)
    assert [s.source for s in summary.skipped] == ["about.md"]
    after = [
        t for s, t in zip(*(index.snapshot().columns[c] for c in ("source", "text")), strict=True) if s == "about.md"
    ]
    assert after == before and summary.removed == 0


def test_emptying_the_folder_empties_the_index(tmp_path: Path, embedder: Embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n\nSomething.")
    index = Index(str(tmp_path / "index"))
    run_ingest(docs, index, embedder)
    (docs / "a.md").unlink()
    summary = run_ingest(docs, index, embedder)
    assert summary.removed == 1 and index.snapshot().size == 0
    assert asyncio.run(index.text_search("Something", 5)) == []


def test_progress_is_reported(docs: Path, tmp_path: Path, embedder: Embedder) -> None:
    seen: list[tuple[int, int]] = []
    run_ingest(docs, Index(str(tmp_path / "index")), embedder, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1]


def test_an_index_written_before_evidence_units_is_upgraded(docs: Path, tmp_path: Path, embedder: Embedder) -> None:
    """An index from an earlier folio (no unit columns) still answers, from the words alone, and
    the next ingest writes a new version with every unit's vector, keeping the old version."""
    import pyarrow as pa
    from lancedb.index import FTS

    from folio.answering import Answerer
    from folio.index import import_lancedb, schema
    from folio.llm import LLMChain
    from folio.retrieval import Retriever

    index = Index(str(tmp_path / "index"))
    run_ingest(docs, index, embedder)
    current = index.stored_rows([f.name for f in schema()])
    assert current is not None
    old_schema = pa.schema([f for f in schema() if not f.name.startswith("unit_")])
    db = import_lancedb().connect(str(tmp_path / "old"))
    table = db.create_table("chunks", current.select(old_schema.names).cast(old_schema), schema=old_schema)
    table.create_index("text", config=FTS())
    old = Index(str(tmp_path / "old"))
    assert old.snapshot().unit_rows == {}
    answerer = Answerer(Retriever(old, embedder), LLMChain([]))
    answer = asyncio.run(answerer.answer("What grade did she get in Database Internals?"))
    assert answer.grounded and "DSY518" in answer.text

    summary = run_ingest(docs, old, embedder)
    assert summary.added == 0 and summary.index_version is not None
    assert summary.reembedded is not None and summary.reembedded.startswith("the index does not record its")
    assert summary.embedded == summary.chunks, "its vectors' model is unknown: every chunk is embedded again"
    upgraded = old.refresh()
    assert len(upgraded.unit_rows) == len(index.snapshot().unit_rows) > 300
    assert upgraded.version > 1


ABOUT = """---
title: "About Maya"
doc_type: about
date: 2024-10-01
url: https://maya.example.dev/about
tags: [about, bio]
---
# About Maya

## Interests

- **Choral singing:** alto in the Majorna Community Choir since 2018.

## Languages Spoken

- Swedish, fluent (passed the TISUS exam in 2017)
"""


@pytest.mark.parametrize(
    ("edit", "column", "served"),
    [
        (
            ("url: https://maya.example.dev/about", "url: https://maya.example.dev/me"),
            "url",
            "https://maya.example.dev/me",
        ),
        (("doc_type: about", "doc_type: profile"), "doc_type", "profile"),
        (("tags: [about, bio]", "tags: [choir]"), "tags", "choir"),
        (("date: 2024-10-01", "date: 2025-03-14"), "dates", "date=2025-03-14"),
    ],
)
def test_a_front_matter_only_edit_is_re_indexed_without_re_embedding(
    tmp_path: Path, embedder: Embedder, edit: tuple[str, str], column: str, served: str
) -> None:
    counting = CountingEmbedder(embedder)
    docs, index = tmp_path / "docs", Index(str(tmp_path / "index"))
    docs.mkdir()
    shutil.copy(DATA / "kb_alt" / "talks.txt", docs / "talks.txt")
    (docs / "about.md").write_text(ABOUT)
    first = run_ingest(docs, index, counting)
    about = [n for n, source in enumerate(index.snapshot().columns["source"]) if source == "about.md"]

    (docs / "about.md").write_text(ABOUT.replace(*edit))
    counting.texts.clear()
    second = run_ingest(docs, index, counting)
    assert (second.added, second.updated, second.removed) == (0, len(about), 0), second.describe()
    assert second.unchanged == first.chunks - len(about) and second.embedded == 0 and counting.texts == []
    assert second.corpus_version != first.corpus_version, "cached answers of the old metadata are not served"
    snap = index.snapshot()
    assert {snap.columns[column][n] for n, s in enumerate(snap.columns["source"]) if s == "about.md"} == {served}

    third = run_ingest(docs, index, counting)
    assert (third.added, third.updated, third.removed, third.unchanged) == (0, 0, 0, first.chunks)
    assert third.embedded == 0 and counting.texts == [] and index.snapshot().version == snap.version


def test_an_index_of_another_model_is_re_embedded_whole_and_the_summary_says_why(
    docs: Path, tmp_path: Path, embedder: Embedder, other_embedder: Embedder, sample_index: Path
) -> None:
    """No vector of the other model survives, not even those of a file that fails to read."""
    from folio.index import embedded_by

    index = Index(str(tmp_path / "index"))
    first = run_ingest(docs, index, other_embedder)
    assert index.snapshot().model == other_embedder.identity != embedder.identity
    (docs / "about.md").write_text("---\ntitle: [unclosed\n---\nbody")  # its chunks are kept

    counting = CountingEmbedder(embedder)
    second = run_ingest(docs, index, counting)
    assert second.reembedded == (
        f"the index was embedded by {other_embedder.identity}; this folio embeds with {embedder.identity}"
    )
    assert "re-embedded everything: the index was embedded by" in second.describe()
    assert (second.added, second.updated, second.removed, second.unchanged) == (0, 0, 0, first.chunks)
    assert second.embedded == first.chunks
    snap, fresh = index.snapshot(), Index(str(sample_index)).snapshot()
    assert snap.model == embedder.identity == embedded_by(index.stored_rows(["id"]).schema)  # type: ignore[union-attr]
    vectors = {text: snap.vectors[n].tobytes() for n, text in enumerate(snap.columns["text"])}
    assert vectors == {text: fresh.vectors[n].tobytes() for n, text in enumerate(fresh.columns["text"])}
    assert snap.unit_rows.keys() == fresh.unit_rows.keys()
    assert snap.unit_vectors(list(fresh.unit_rows)).tobytes() == fresh.unit_vectors(list(fresh.unit_rows)).tobytes()

    counting.texts.clear()
    third = run_ingest(docs, index, counting)
    assert third.reembedded is None and counting.texts == [] and not third.changed
