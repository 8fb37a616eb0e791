"""Sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) with mean pooling and L2 normalisation.

The model file is built from the original fp32 weights by scripts/build_model.py (`make model`
rebuilds it and checks it hashes as pinned in data/all-MiniLM-L6-v2-int8.onnx.sha256)."""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from folio.errors import Unavailable

if TYPE_CHECKING:
    from collections.abc import Sequence

    import onnxruntime
    from tokenizers import Tokenizer

    from folio.settings import Settings

DIMENSIONS = 384
MODEL_ID = "all-MiniLM-L6-v2-int8-nbits32"
MODEL_FILE = "all-MiniLM-L6-v2-int8.onnx"


class Embedder(Protocol):
    model_id: str
    # What its vectors depend on (model_identity): an index records it, and is not served to
    # queries embedded with another.
    identity: str
    dimensions: int

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray: ...


def default_model_path() -> Path:
    return Path(str(resources.files("folio") / "data" / MODEL_FILE))


def default_tokenizer_path() -> Path:
    return Path(str(resources.files("folio") / "data" / "tokenizer.json"))


def model_identity(model_path: Path | None, tokenizer_path: Path | None, max_tokens: int) -> str:
    """What a text's vector depends on: the model file and the tokenizer file (by SHA-256), and
    where long texts are cut."""
    model = model_path or default_model_path()
    tokenizer = tokenizer_path or default_tokenizer_path()
    return (
        f"{model.name} sha256:{_sha256(model)[:16]} tokenizer sha256:{_sha256(tokenizer)[:16]} max_tokens:{max_tokens}"
    )


def _sha256(path: Path) -> str:
    """The file's pin (`<file>.sha256`, which `make model` and the tests hold to the shipped model)
    when it has one: hashing 23 MB at every start would cost more than the rest of the identity."""
    pin = path.with_name(path.name + ".sha256")
    try:
        if pin.is_file():
            return pin.read_text(encoding="ascii").split()[0]
        with path.open("rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    except (OSError, IndexError, UnicodeDecodeError) as exc:
        raise Unavailable("The embedding model is not available.", internal=f"reading {path}: {exc}") from exc


class OnnxEmbedder:
    """Runs the model with onnxruntime; one session per process, safe to share across threads."""

    model_id = MODEL_ID
    dimensions = DIMENSIONS

    def __init__(
        self,
        model_path: Path | None = None,
        tokenizer_path: Path | None = None,
        *,
        max_tokens: int = 256,
        batch_size: int = 1,
        threads: int = 1,
        workers: int = 2,
    ) -> None:
        self.model_path = model_path or default_model_path()
        self.tokenizer_path = tokenizer_path or default_tokenizer_path()
        self.batch_size = batch_size
        self.workers = workers
        self._tokenizer = _load_tokenizer(self.tokenizer_path, max_tokens)
        self._session = _load_session(self.model_path, threads)
        self.identity = model_identity(self.model_path, self.tokenizer_path, max_tokens)
        self._wants_token_types = any(i.name == "token_type_ids" for i in self._session.get_inputs())
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> OnnxEmbedder:
        return cls(
            settings.model_path,
            settings.tokenizer_path,
            max_tokens=settings.embed_max_tokens,
            batch_size=settings.embed_batch_size,
            threads=settings.embed_threads,
            workers=settings.embed_workers,
        )

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts in batches, shortest first so padding stays small; rows keep input order.

        Several batches (ingest) run `workers` at a time: the session is shared, each run on its
        own thread, as concurrent questions' embeddings run on a server."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        batches = [order[start : start + self.batch_size] for start in range(0, len(order), self.batch_size)]
        if len(batches) == 1 or self.workers == 1:
            for picked in batches:
                out[picked] = self._run([texts[i] for i in picked])
            return out
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="folio-embed") as pool:
            for picked, vectors in zip(
                batches, pool.map(lambda picked: self._run([texts[i] for i in picked]), batches), strict=True
            ):
                out[picked] = vectors
        return out

    def _run(self, texts: list[str]) -> np.ndarray:
        # The tokenizer's padding state is shared; encode_batch is guarded so threads do not race.
        with self._lock:
            encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if self._wants_token_types:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(["last_hidden_state"], feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        result: np.ndarray = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return result


def _load_tokenizer(path: Path, max_tokens: int) -> Tokenizer:
    from tokenizers import Tokenizer

    if not path.is_file():
        raise Unavailable("The embedding model is not available.", internal=f"no tokenizer at {path}")
    tokenizer = Tokenizer.from_file(str(path))
    # The file ships with padding fixed at 128: a one-line query would pay for 128 tokens.
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106
    tokenizer.enable_truncation(max_length=max_tokens)
    return tokenizer


def _load_session(path: Path, threads: int) -> onnxruntime.InferenceSession:
    import onnxruntime

    if not path.is_file():
        raise Unavailable("The embedding model is not available.", internal=f"no embedding model at {path}")
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    # The arena keeps ~90 MB of peak buffers for good; without it queries are as fast here.
    options.enable_cpu_mem_arena = False
    # Idle worker threads would otherwise spin: twice the CPU per query for ~1 ms less latency.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # One thread per run by default: a server runs concurrent questions' embeddings side by side,
    # and a second thread per run costs more CPU than it saves time (README "Performance").
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    try:
        return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own untyped errors for corrupt files
        raise Unavailable(
            "The embedding model could not be loaded.", internal=f"loading the embedding model at {path}: {exc}"
        ) from exc
