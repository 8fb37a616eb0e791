from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING

import pytest

from folio.errors import Unavailable
from folio.index import UNREADABLE, Index
from folio.ingest import run_ingest
from tests.support.damage import damage, files_of
from tests.support.readonly import read_only

if TYPE_CHECKING:
    from pathlib import Path

    from folio.embeddings import Embedder
    from tests.support.damage import Part


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


def test_lancedb_imports_without_running_the_rest_client_init() -> None:
    code = (
        "import sys; from folio.index import import_lancedb; import_lancedb(); "
        "api = 'lance_namespace_urllib3_client.api.table_api'; "
        "print(api in sys.modules); "
        "import lance_namespace_urllib3_client as c; c.ApiClient; print(api in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == ["False", "True"], "built only when the package is first asked for something"


def test_missing_index_is_unavailable_with_a_hint(tmp_path: Path) -> None:
    with pytest.raises(Unavailable, match="run `folio ingest`"):
        Index(str(tmp_path / "nothing")).snapshot()


def test_search_works_from_a_read_only_directory(tmp_path: Path, embedder: Embedder) -> None:
    docs, path = tmp_path / "docs", tmp_path / "index"
    _write(docs, "a.md", "# About\n\nShe climbs boulders in Gothenburg on weekends.")
    run_ingest(docs, Index(str(path)), embedder)
    with read_only(path):
        with pytest.raises(OSError, match=r"[Rr]ead-only|[Pp]ermission"):
            (path / "probe").write_text("x")
        index = Index(str(path))
        hits = asyncio.run(index.text_search("boulders", 3))
        assert hits and index.snapshot().size == 1
        assert index.vector_search(embedder.embed_batch(["climbing"])[0], 3)


def test_readers_keep_their_version_until_the_new_one_is_complete(tmp_path: Path, embedder: Embedder) -> None:
    docs, path = tmp_path / "docs", str(tmp_path / "index")
    _write(docs, "a.md", "# A\n\nAlpha facts about kayaking.")
    run_ingest(docs, Index(path), embedder)
    reader = Index(path, refresh_seconds=3600)
    before = reader.snapshot()
    _write(docs, "b.md", "# B\n\nBeta facts about sailing.")
    writer = Index(path)
    run_ingest(docs, writer, embedder)
    assert reader.snapshot() is before, "a reader sees one consistent version between refreshes"
    after = reader.refresh()
    assert after.size == 2 and after.corpus_version != before.corpus_version
    assert writer.snapshot().corpus_version == after.corpus_version


def test_rows_committed_before_the_fts_rebuild_are_found_by_text_search(tmp_path: Path, embedder: Embedder) -> None:
    """An ingest commits its rows, then rebuilds the FTS index: a reader refreshing in between holds
    rows the index does not cover yet. LanceDB searches unindexed rows too, so BM25 finds them."""
    from folio.index import import_lancedb

    docs, path = tmp_path / "docs", str(tmp_path / "index")
    _write(docs, "a.md", "# A\n\nAlpha facts about kayaking.")
    run_ingest(docs, Index(path), embedder)
    table = import_lancedb().connect(path).open_table("chunks")
    row = table.to_arrow().slice(0, 1).to_pylist()[0]
    table.add([{**row, "id": "uncovered", "text": "Beta facts about sailing."}])  # no FTS rebuild
    assert table.index_stats("text_idx").num_unindexed_rows == 1
    reader = Index(path)
    hits = asyncio.run(reader.text_search("sailing", 5))
    assert [reader.snapshot().record(hit.row)["id"] for hit in hits] == ["uncovered"]


def test_concurrent_readers_during_an_ingest_never_see_a_partial_corpus(tmp_path: Path, embedder: Embedder) -> None:
    docs, path = tmp_path / "docs", str(tmp_path / "index")
    for n in range(6):
        _write(docs, f"d{n}.md", f"# Doc {n}\n\nFact number {n} about topic {n}.")
    run_ingest(docs, Index(path), embedder)
    for n in range(6):
        _write(docs, f"d{n}.md", f"# Doc {n}\n\nRevised fact number {n} about topic {n}.")
    sizes: list[int] = []
    stop = threading.Event()

    def read() -> None:
        reader = Index(path, refresh_seconds=0)
        while not stop.is_set():
            sizes.append(reader.snapshot().size)

    thread = threading.Thread(target=read)
    thread.start()
    try:
        run_ingest(docs, Index(path), embedder)
    finally:
        stop.set()
        thread.join()
    assert sizes and set(sizes) == {6}


def test_doc_type_filter(sample_index: Path, embedder: Embedder) -> None:
    index = Index(str(sample_index))
    snap = index.snapshot()
    vector = embedder.embed_batch(["credential id"])[0]
    by_text = asyncio.run(index.text_search("credential", 5, "certification"))
    assert by_text
    for hit in index.vector_search(vector, 5, "certification") + by_text:
        assert snap.columns["doc_type"][hit.row] == "certification"
    assert asyncio.run(index.text_search("credential", 5, "no-such-type")) == []


def test_writing_to_a_read_only_index_is_unavailable_not_a_crash(tmp_path: Path, embedder: Embedder) -> None:
    docs, path = tmp_path / "docs", tmp_path / "index"
    _write(docs, "a.md", "# A\n\nFirst fact.")
    run_ingest(docs, Index(str(path)), embedder)
    _write(docs, "b.md", "# B\n\nSecond fact.")
    with read_only(path), pytest.raises(Unavailable, match="cannot be written"):
        run_ingest(docs, Index(str(path)), embedder)
    assert Index(str(path)).snapshot().size == 1, "the served version is untouched"


def test_ingest_cleans_up_versions_older_than_the_retention(tmp_path: Path, embedder: Embedder) -> None:
    docs, path = tmp_path / "docs", str(tmp_path / "index")
    writer = Index(path, keep_versions_seconds=1)
    for n in range(3):
        _write(docs, f"d{n}.md", f"# Doc {n}\n\nFact {n}.")
        run_ingest(docs, writer, embedder)
        if n < 2:
            time.sleep(1.1)
    versions = [v["version"] for v in writer._open_table().list_versions()]
    assert len(versions) <= 4, versions  # the last ingest's commits and compaction, not all nine
    assert Index(path).snapshot().size == 3


def test_a_reader_holds_its_snapshot_while_the_newest_version_is_unreadable_and_recovers(
    tmp_path: Path, embedder: Embedder, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="folio.index")
    docs, path = tmp_path / "docs", tmp_path / "index"
    _write(docs, "a.md", "# A\n\nFirst fact.")
    run_ingest(docs, Index(str(path)), embedder)
    reader = Index(str(path), refresh_seconds=0)
    held = reader.snapshot()
    before = files_of(path)
    _write(docs, "b.md", "# B\n\nSecond fact.")
    run_ingest(docs, Index(str(path)), embedder)
    damaged = _damage_keeping_originals(path, before)

    for _ in range(3):
        assert reader.snapshot() is held
    assert reader.fault is not None and reader.fault.message == UNREADABLE
    assert str(path) in str(reader.fault.internal) and str(path) not in reader.fault.message
    warnings = [r for r in caplog.records if r.getMessage().startswith("the newest index version cannot be read")]
    assert len(warnings) == 1, "once per fault, not at every refresh"

    for target, original in damaged.items():
        target.write_bytes(original)
    assert reader.snapshot().size == 2 and _fault(reader) is None
    assert any(r.getMessage() == "the index is readable again" for r in caplog.records)


@pytest.mark.parametrize("part", ["manifest", "data"])
def test_a_damaged_index_is_unavailable_not_missing_and_ingest_refuses_it(
    tmp_path: Path, embedder: Embedder, part: Part
) -> None:
    """A table that exists but cannot be read is never taken for "no index yet" (which ingest would
    rebuild over), nor for unchanged by the note the last ingest left beside it."""
    docs, path = tmp_path / "docs", tmp_path / "index"
    _write(docs, "a.md", "# A\n\nFirst fact.")
    before: set[Path] = set()
    run_ingest(docs, Index(str(path)), embedder)
    assert (path / "chunks.ingested.json").is_file()
    damage(path, before, part)
    with pytest.raises(Unavailable) as raised:
        Index(str(path)).snapshot()
    assert raised.value.message == UNREADABLE and "lance error" in str(raised.value.internal)
    with pytest.raises(Unavailable, match="cannot be read"):
        run_ingest(docs, Index(str(path)), embedder)


def _fault(index: Index) -> Unavailable | None:
    return index.fault


def _damage_keeping_originals(path: Path, before: set[Path]) -> dict[Path, bytes]:
    originals = {p: p.read_bytes() for p in files_of(path) - before if p.suffix == ".manifest"}
    damage(path, before, "manifest")
    return originals
