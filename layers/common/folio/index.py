"""The LanceDB index: chunks, their vectors and a native full-text index, versioned.

Readers hold an in-memory snapshot of one table version (ids, texts, metadata and the vector
matrix): exact cosine search over a few thousand 384-d vectors is a single matrix product, far
cheaper than a round trip through the query engine. Full-text (BM25) search runs on LanceDB's
native FTS index. Writers commit a whole new corpus in one `merge_insert` transaction, so a
reader sees either the old version or the new one, never a half-written mix.

Each version records the embedding model that made its vectors (`embedded_by`). A reader told
which model its queries are embedded with serves no version another model made: cosine scores
between two models' vectors mean nothing, and would pass for results.

A newer version that cannot be read (a damaged manifest or data file, another model's vectors)
does not replace the snapshot a reader holds: it keeps serving that one, and reports the fault.
Whatever LanceDB raises while reading or writing becomes `Unavailable` with a plain message; its
own words (paths, Rust source locations, panics) go to the log only.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import logging
import math
import os
import sys
import threading
import time
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from folio.errors import Unavailable

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import ModuleType

    import pyarrow as pa
    from lancedb.db import DBConnection
    from lancedb.table import AsyncTable, Table

log = logging.getLogger(__name__)

VECTOR_DIMENSIONS = 384
_META_COLUMNS = ("id", "source", "title", "section", "part", "text", "doc_type", "url", "tags", "dates")
# What LanceDB and pyarrow raise for a damaged, missing or unreachable table: lance's own errors are
# RuntimeError("lance error: ..."), pyarrow's ArrowInvalid is a ValueError, I/O errors are OSError.
_LANCE_ERRORS = (OSError, RuntimeError, ValueError)
NOT_BUILT = "No index has been built yet: run `folio ingest`."
UNREADABLE = "The index cannot be read right now."
OTHER_MODEL = "The index was embedded by another model than this folio's: run `folio ingest` to re-embed it."
MODEL_KEY = b"folio.embedding_model"


def import_lancedb() -> ModuleType:
    """Import lancedb without paying for its REST namespace client (about half the import time).

    `lancedb.db` imports model classes from `lance_namespace_urllib3_client`, whose package
    `__init__` eagerly builds every REST API class. We register the package without running that
    `__init__` (the first attribute asked of the package runs it after all), and let pydantic
    defer building the ~200 REST model validators until one is used: local tables use none.
    """
    if "lancedb" in sys.modules:
        return sys.modules["lancedb"]
    name = "lance_namespace_urllib3_client"
    if name not in sys.modules:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            package = importlib.util.module_from_spec(spec)
            loader = spec.loader

            def _complete(attr: str) -> Any:
                delattr(package, "__getattr__")
                loader.exec_module(package)
                return getattr(package, attr)

            setattr(package, "__getattr__", _complete)  # noqa: B010 - a module-level __getattr__ hook
            sys.modules[name] = package
    with _deferred_pydantic_builds():
        import lancedb

    return lancedb


@contextlib.contextmanager
def _deferred_pydantic_builds() -> Iterator[None]:
    try:
        from pydantic._internal import _config
    except ImportError:  # pragma: no cover - a pydantic without the private defaults: just import
        yield
        return
    defaults = _config.config_defaults
    previous = defaults.get("defer_build", False)
    defaults["defer_build"] = True
    try:
        yield
    finally:
        defaults["defer_build"] = previous


def schema(model: str | None = None) -> pa.Schema:
    """The table's columns; `model`, the identity of what made the vectors, in its metadata."""
    import pyarrow as pa

    return pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("source", pa.string()),
            pa.field("title", pa.string()),
            pa.field("section", pa.string()),
            pa.field("part", pa.int32()),
            pa.field("text", pa.string()),
            pa.field("doc_type", pa.string()),
            pa.field("url", pa.string()),
            pa.field("tags", pa.string()),
            pa.field("dates", pa.string()),
            pa.field("file_sha256", pa.string()),
            pa.field("vector", pa.list_(pa.float32(), VECTOR_DIMENSIONS)),
            # The chunk's evidence units (folio.answers.units) as embedded, and their vectors.
            pa.field("unit_texts", pa.list_(pa.string())),
            pa.field("unit_vectors", pa.list_(pa.list_(pa.float32(), VECTOR_DIMENSIONS))),
        ],
        metadata=None if model is None else {MODEL_KEY: model.encode()},
    )


def embedded_by(table_schema: pa.Schema) -> str | None:
    """The model a table version records (None: written before folio recorded it)."""
    value = (table_schema.metadata or {}).get(MODEL_KEY)
    return None if value is None else value.decode()


@dataclass(frozen=True)
class Hit:
    row: int
    score: float


@dataclass(frozen=True)
class Snapshot:
    """One table version held in memory, as readers see it."""

    version: int
    corpus_version: str
    model: str | None
    columns: dict[str, list[Any]]
    vectors: np.ndarray
    unit_rows: dict[str, int]
    unit_matrix: np.ndarray

    def unit_vectors(self, texts: list[str]) -> np.ndarray:
        """The stored vectors of evidence units by their embedded text; zeros for unknown ones."""
        out = np.zeros((len(texts), self.unit_matrix.shape[1]), dtype=np.float32)
        for n, text in enumerate(texts):
            row = self.unit_rows.get(text)
            if row is not None:
                out[n] = self.unit_matrix[row]
        return out

    @property
    def size(self) -> int:
        return len(self.columns["id"])

    @functools.cached_property
    def positions(self) -> dict[str, int]:
        return {chunk_id: row for row, chunk_id in enumerate(self.columns["id"])}

    def record(self, row: int) -> dict[str, Any]:
        return {name: values[row] for name, values in self.columns.items()}

    def rows_of_type(self, doc_type: str | None) -> np.ndarray | None:
        if doc_type is None:
            return None
        return np.array([t == doc_type for t in self.columns["doc_type"]], dtype=bool)


@dataclass(frozen=True)
class IngestNote:
    """What an ingest left, written beside a local table (`<table>.ingested.json`): an ingest of the
    same corpus with the same model, on a table nobody changed since, has nothing to do and need
    not open the table (nor import LanceDB, most of an unchanged ingest's time)."""

    corpus: str  # the ingest's digest of what it would write (chunk ids and their evidence units)
    model: str
    version: int
    corpus_version: str
    files: dict[str, list[int]]  # every file of the table: size and mtime in ns


def corpus_version(ids: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()[:16]


class Index:
    """A LanceDB table at a local folder or an object-store URI, opened once per process.

    `model`: the identity of the model queries are embedded with (`folio.embeddings.model_identity`);
    a version that records another is not served. None: any version is (ingest, tests).
    """

    def __init__(
        self,
        uri: str,
        table_name: str = "chunks",
        *,
        refresh_seconds: float = 10.0,
        storage_options: dict[str, str] | None = None,
        keep_versions_seconds: float = 3600.0,
        model: str | None = None,
    ) -> None:
        self.uri = uri
        self.model = model
        self.keep_versions_seconds = keep_versions_seconds
        self.table_name = table_name
        self.refresh_seconds = refresh_seconds
        self.storage_options = storage_options
        self._db: DBConnection | None = None
        self._table: Table | None = None
        self._snapshot: Snapshot | None = None
        self._async: tuple[int, AsyncTable] | None = None
        self._checked_at = -math.inf
        self._lock = threading.Lock()
        self.fault: Unavailable | None = None

    # --- reading -------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The current version, re-checked at most every `refresh_seconds`.

        When the newest version cannot be read, the snapshot already held stays (and `fault` says
        why); without one, the reason is raised.
        """
        now = time.monotonic()
        current = self._snapshot
        if current is not None and now - self._checked_at < self.refresh_seconds:
            return current
        with self._lock:
            if self._snapshot is not None and now - self._checked_at < self.refresh_seconds:
                return self._snapshot
            try:
                loaded = self._load_snapshot(self._snapshot)
            except Unavailable as exc:
                if self._snapshot is None:
                    raise
                self._hold(exc)
            else:
                if self.fault is not None:
                    log.info("the index is readable again", extra={"version": loaded.version})
                self._snapshot, self.fault = loaded, None
            self._checked_at = time.monotonic()
            return self._snapshot

    def _hold(self, exc: Unavailable) -> None:
        """Keep serving the held snapshot; log once per fault, not at every refresh."""
        assert self._snapshot is not None
        if self.fault is None or self.fault.internal != exc.internal:
            log.warning(
                "the newest index version cannot be read; serving the one held in memory",
                extra={"version": self._snapshot.version, "reason": exc.internal},
            )
        self.fault = exc

    def refresh(self) -> Snapshot:
        self._checked_at = -math.inf
        return self.snapshot()

    def vector_search(self, query: np.ndarray, k: int, doc_type: str | None = None) -> list[Hit]:
        snap = self.snapshot()
        if snap.size == 0:
            return []
        scores = snap.vectors @ query.astype(np.float32)
        allowed = snap.rows_of_type(doc_type)
        if allowed is not None:
            scores = np.where(allowed, scores, -np.inf)
        k = min(k, snap.size)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [Hit(int(row), float(scores[row])) for row in top if np.isfinite(scores[row])]

    async def text_search(self, query: str, k: int, doc_type: str | None = None) -> list[Hit]:
        """BM25 over LanceDB's native FTS index, on the same table version as the snapshot.

        Uses LanceDB's async API: the sync query builder costs ~2.5 ms a query on top of the search.
        """
        snap = self.snapshot()
        if snap.size == 0 or not query.strip():
            return []
        try:
            table = await self._async_table(snap.version)
            search = table.query().nearest_to_text(query).select(["id", "_score"]).limit(k)
            if doc_type is not None:
                search = search.where(f"doc_type = '{_sql_quote(doc_type)}'")
            found = await search.to_arrow()
        except _LANCE_ERRORS as exc:  # no FTS index yet, an index being rebuilt, damaged files
            raise self._unreadable("full-text search", exc) from exc
        position = snap.positions
        hits = []
        for chunk_id, score in zip(found["id"].to_pylist(), found["_score"].to_pylist(), strict=True):
            row = position.get(chunk_id)
            if row is not None:
                hits.append(Hit(row, float(score)))
        return hits

    async def probe(self, snap: Snapshot) -> None:
        """A cheap read of the version readers are served: one full-text query, which reads the FTS
        index, and one small column of every data fragment. Raises Unavailable when either fails."""
        if snap.size == 0:
            return
        try:
            table = await self._async_table(snap.version)
            await table.query().nearest_to_text("folio").select(["id", "_score"]).limit(1).to_arrow()
            await table.query().select(["part"]).to_arrow()
        except _LANCE_ERRORS as exc:
            raise self._unreadable("reading", exc) from exc

    async def _async_table(self, version: int) -> AsyncTable:
        pinned = self._async
        if pinned is not None and pinned[0] == version:
            return pinned[1]
        lancedb = import_lancedb()
        db = await lancedb.connect_async(self.uri, storage_options=self.storage_options)
        table: AsyncTable = await db.open_table(self.table_name)
        await table.checkout(version)
        self._async = (version, table)
        return table

    def stored_rows(self, columns: list[str]) -> pa.Table | None:
        """The current rows (for the ingest diff), or None when no table exists yet."""
        table = self._find_table()
        if table is None:
            return None
        try:
            data = table.to_arrow()
        except _LANCE_ERRORS as exc:
            raise self._unreadable("reading", exc) from exc
        result: pa.Table = data.select([c for c in columns if c in data.column_names])
        return result

    # --- writing -------------------------------------------------------------------------

    def replace_corpus(self, rows: pa.Table, model: str) -> int:
        """Make `rows` (vectors made by `model`) the whole corpus in one commit, then rebuild the FTS
        index. Returns the version."""
        from lancedb.index import FTS

        db = self._connect()
        table = self._find_table()
        target = schema(model)
        rows = rows.replace_schema_metadata(target.metadata)
        try:
            if table is None:
                table = db.create_table(self.table_name, rows, schema=target)
            elif not table.schema.equals(target, check_metadata=True):
                # Written by an earlier folio, or by another model: a new version of the table with
                # today's columns and model.
                table = db.create_table(self.table_name, rows, schema=target, mode="overwrite")
            elif rows.num_rows == 0:
                table.delete("true")
            else:
                merge = table.merge_insert("id").when_matched_update_all().when_not_matched_insert_all()
                merge.when_not_matched_by_source_delete().execute(rows)
            if rows.num_rows:
                table.create_index("text", config=FTS(), replace=True)
            # Compact, and drop versions no reader can still hold: a reader re-checks every
            # refresh interval, far below the retention.
            table.optimize(cleanup_older_than=timedelta(seconds=max(self.keep_versions_seconds, 1)))
        except _LANCE_ERRORS as exc:  # a read-only folder (Lambda's /var/task) or bucket, damaged files
            raise Unavailable("The index cannot be written.", internal=f"writing {self._where()}: {exc}") from exc
        self._table = table
        self.refresh()
        version: int = table.version
        return version

    # --- the ingest note -----------------------------------------------------------------

    def ingest_note(self, corpus: str, model: str) -> IngestNote | None:
        """The note of the last ingest when it was of `corpus` by `model` and every file of the
        table is as that ingest left it; None otherwise, or for an object-store index."""
        path = self._note_path()
        if path is None:
            return None
        try:
            note = IngestNote(**json.loads(path.read_text(encoding="utf-8")))
            same = note.corpus == corpus and note.model == model and note.files == self._table_files()
        except (OSError, ValueError, TypeError):  # none yet, not one this folio reads, a file just removed
            return None
        return note if same else None

    def write_ingest_note(self, corpus: str, model: str, snap: Snapshot) -> None:
        """Note that the table, as it is now at `snap`'s version, holds `corpus` embedded by `model`.
        Best effort: without a note the next ingest reads the table, as before."""
        path = self._note_path()
        if path is None or snap.model != model:
            return
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            note = IngestNote(corpus, model, snap.version, snap.corpus_version, self._table_files())
            partial.write_text(json.dumps(asdict(note)), encoding="utf-8")
            partial.replace(path)
        except OSError as exc:  # a read-only folder: the next ingest reads the table
            log.info("the ingest note was not written", extra={"reason": str(exc)})
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)

    def _note_path(self) -> Path | None:
        return None if "://" in self.uri else Path(self.uri) / f"{self.table_name}.ingested.json"

    def _table_files(self) -> dict[str, list[int]]:
        """Any commit, compaction, clean-up or restore from a copy changes this (new files, new
        mtimes); reads do not."""
        root = Path(self.uri) / f"{self.table_name}.lance"
        files: dict[str, list[int]] = {}
        for path in root.rglob("*"):
            stat = path.stat()
            if not path.is_dir():
                files[path.relative_to(root).as_posix()] = [stat.st_size, stat.st_mtime_ns]
        return files

    # --- internals -----------------------------------------------------------------------

    def _where(self) -> str:
        return f"{self.uri} (table {self.table_name!r})"

    def _unreadable(self, action: str, exc: BaseException) -> Unavailable:
        return Unavailable(UNREADABLE, internal=f"{action} {self._where()}: {exc}")

    def _connect(self) -> DBConnection:
        if self._db is None:
            lancedb = import_lancedb()
            try:
                self._db = lancedb.connect(self.uri, storage_options=self.storage_options)
            except Exception as exc:  # bad URI, unreachable bucket
                raise Unavailable(UNREADABLE, internal=f"connecting to {self._where()}: {exc}") from exc
        return self._db

    def _find_table(self) -> Table | None:
        """The table, or None when none was ever written; Unavailable when it exists but cannot be read."""
        if self._table is None:
            db = self._connect()
            try:
                self._table = db.open_table(self.table_name)
            except (ValueError, FileNotFoundError) as exc:  # lancedb's "Table ... was not found", or damage
                if not self._exists(db):
                    return None
                raise self._unreadable("opening", exc) from exc
            except _LANCE_ERRORS as exc:
                raise self._unreadable("opening", exc) from exc
        return self._table

    def _exists(self, db: DBConnection) -> bool:
        try:
            return self.table_name in db.list_tables().tables
        except _LANCE_ERRORS as exc:
            raise self._unreadable("listing the tables of", exc) from exc

    def _open_table(self) -> Table:
        table = self._find_table()
        if table is None:
            raise Unavailable(NOT_BUILT, internal=f"no table at {self._where()}")
        return table

    def _load_snapshot(self, previous: Snapshot | None) -> Snapshot:
        # A Table object stays on the version it opened, so FTS queries and this snapshot agree;
        # a fresh handle is how a reader sees what writers committed since.
        self._table = None
        table = self._open_table()
        try:
            version = table.version
            if previous is not None and previous.version == version:
                return previous
            model = embedded_by(table.schema)
            if self.model is not None and model != self.model:
                raise Unavailable(
                    OTHER_MODEL,
                    internal=f"version {version} of {self._where()} was embedded by "
                    f"{model or 'an unrecorded model (an earlier folio)'}; this folio embeds with {self.model}",
                )
            return _read_snapshot(version, model, table.to_arrow())
        except _LANCE_ERRORS as exc:
            raise self._unreadable("reading the newest version of", exc) from exc


def _read_snapshot(version: int, model: str | None, data: pa.Table) -> Snapshot:
    columns = {name: data[name].to_pylist() for name in _META_COLUMNS}
    if data.num_rows:
        flat = data["vector"].combine_chunks().values.to_numpy(zero_copy_only=False)
        vectors = np.ascontiguousarray(flat.reshape(data.num_rows, VECTOR_DIMENSIONS), dtype=np.float32)
    else:
        vectors = np.zeros((0, VECTOR_DIMENSIONS), dtype=np.float32)
    unit_rows, unit_matrix = _unit_vectors(data)
    return Snapshot(version, corpus_version(columns["id"]), model, columns, vectors, unit_rows, unit_matrix)


def _unit_vectors(data: pa.Table) -> tuple[dict[str, int], np.ndarray]:
    """Every stored unit vector once, by its text (an index written before units has none)."""
    if "unit_vectors" not in data.column_names or data.num_rows == 0:
        return {}, np.zeros((0, VECTOR_DIMENSIONS), dtype=np.float32)
    texts = [text for row in data["unit_texts"].to_pylist() for text in (row or [])]
    lists = data["unit_vectors"].combine_chunks().flatten()
    flat = lists.flatten().to_numpy(zero_copy_only=False)
    matrix = np.ascontiguousarray(flat.reshape(len(texts), VECTOR_DIMENSIONS), dtype=np.float32)
    rows: dict[str, int] = {}
    for n, text in enumerate(texts):
        rows.setdefault(text, n)
    return rows, matrix


def _sql_quote(value: str) -> str:
    return value.replace("'", "''")
