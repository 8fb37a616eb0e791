"""Shared fixtures: real model, real LanceDB on disk, real uvicorn; fakes only for remote LLMs."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from folio.ingest import run_ingest
from folio.runtime import Runtime, _shared_embedder
from folio.settings import Settings
from tests.fakes.llm_server import FakeLLM
from tests.support.isolation import machine_redis_attempts, refuse_the_machines_redis
from tests.support.processes import FOREIGN_VARIABLES

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from folio.embeddings import Embedder

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "knowledge"
DATA = ROOT / "tests" / "data"
ADMIN_KEY = "REPLACE_WITH_FOLIO_ADMIN_KEY"  # the value the committed events carry


@pytest.fixture(scope="session", autouse=True)
def _guard_the_machines_redis() -> None:
    sys.addaudithook(refuse_the_machines_redis)


@pytest.fixture(autouse=True)
def _hermetic(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No folio, AWS, Redis or LLM setting of the shell running the suite reaches a test, and a
    test that dialled the machine's Redis fails."""
    for name in list(os.environ):
        if name.startswith(FOREIGN_VARIABLES):
            monkeypatch.delenv(name)
    yield
    attempts = list(machine_redis_attempts)
    machine_redis_attempts.clear()
    assert not attempts, f"the test connected to the machine's Redis: {attempts}"


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The session the apps under test share (the same cache key as their default settings)."""
    s = Settings(_env_file=None)
    return _shared_embedder(
        s.model_path, s.tokenizer_path, s.embed_max_tokens, s.embed_batch_size, s.embed_threads, s.embed_workers
    )


@pytest.fixture(scope="session")
def other_embedder() -> Embedder:
    """Another model as far as vectors go: the same files, every text cut at 16 tokens."""
    from folio.embeddings import OnnxEmbedder

    return OnnxEmbedder(max_tokens=16)


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    """The sample knowledge base, ingested once per test session. Read it, never write it."""
    from folio.index import Index

    path = tmp_path_factory.mktemp("sample") / "index"
    run_ingest(KNOWLEDGE, Index(str(path)), embedder)
    return path


@pytest.fixture
def make_settings(tmp_path: Path, sample_index: Path) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "_env_file": None,
            "env": "test",
            "index_uri": str(sample_index),
            "docs_dir": KNOWLEDGE,
            "index_refresh_seconds": 0,
            "owner_name": "Maya Okonkwo-Lindqvist",
        }
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def make_runtime(embedder: Embedder) -> Callable[[Settings], Runtime]:
    return lambda settings: Runtime(settings, embedder=embedder)


@pytest.fixture(scope="session")
def _llm_server() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


@pytest.fixture
def fake_llm(_llm_server: FakeLLM) -> Iterator[FakeLLM]:
    _llm_server.reset()
    yield _llm_server
    _llm_server.reset()


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A writable copy of the sample knowledge base."""
    target = tmp_path / "docs"
    shutil.copytree(KNOWLEDGE, target)
    return target
