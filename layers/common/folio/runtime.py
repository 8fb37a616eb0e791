"""The per-process objects every request shares, built on first use and never per request."""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from typing import TYPE_CHECKING, Any

from folio.errors import FolioError, Unavailable

if TYPE_CHECKING:
    from pathlib import Path

    from starlette.requests import Request

    from folio.answering import Answerer
    from folio.embeddings import Embedder
    from folio.index import Index
    from folio.llm import LLMChain
    from folio.retrieval import Retriever
    from folio.settings import Settings

log = logging.getLogger(__name__)


@functools.cache
def _shared_embedder(model_path: Path | None, tokenizer_path: Path | None, max_tokens: int, batch: int) -> Embedder:
    """One ONNX session per process, whatever number of apps or runtimes ask for it."""
    from folio.embeddings import OnnxEmbedder

    return OnnxEmbedder(model_path, tokenizer_path, max_tokens=max_tokens, batch_size=batch)


class Runtime:
    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        index: Index | None = None,
        chain: LLMChain | None = None,
    ) -> None:
        self.settings = settings
        self._embedder = embedder
        self._index = index
        self._chain = chain
        self._retriever: Retriever | None = None
        self._answerer: Answerer | None = None
        self._lock = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            s = self.settings
            with self._lock:
                self._embedder = _shared_embedder(
                    s.model_path, s.tokenizer_path, s.embed_max_tokens, s.embed_batch_size
                )
        return self._embedder

    @property
    def index(self) -> Index:
        if self._index is None:
            from folio.index import Index

            s = self.settings
            self._index = Index(s.index_uri, s.index_table, refresh_seconds=s.index_refresh_seconds)
        return self._index

    @property
    def chain(self) -> LLMChain:
        if self._chain is None:
            from folio.llm import LLMChain

            self._chain = LLMChain.from_settings(self.settings)
        return self._chain

    @property
    def retriever(self) -> Retriever:
        if self._retriever is None:
            from folio.retrieval import Retriever

            s = self.settings
            self._retriever = Retriever(
                self.index,
                self.embedder,
                top_k=s.top_k,
                min_similarity=s.min_similarity,
                cache_size=s.query_cache_size,
            )
        return self._retriever

    @property
    def answerer(self) -> Answerer:
        if self._answerer is None:
            from folio.answering import Answerer

            self._answerer = Answerer(self.retriever, self.chain, owner=self.settings.owner_name)
        return self._answerer

    def warm(self) -> None:
        """Load the model, the index and the LLM clients now rather than on the first question.

        The ONNX session loads in a second thread while this one imports LanceDB and opens the
        index: session creation is native code, so the two overlap (about 0.3 s off a cold start).
        """
        failures: list[FolioError] = []

        def load_model() -> None:
            try:
                _ = self.embedder
            except FolioError as exc:
                failures.append(exc)

        loader = threading.Thread(target=load_model, name="folio-warm-model", daemon=True)
        loader.start()
        try:
            _ = self.chain
            # A private loop: asyncio.run would replace the thread's loop, which Mangum reuses.
            loop = asyncio.new_event_loop()
            try:
                loop.run_until_complete(self.index.text_search("warm up", 1))
            finally:
                loop.close()
        finally:
            loader.join()
        if failures:
            raise failures[0]
        self.retriever.embedder.embed_batch(["warm up"])  # the first run of a session is slow

    def check_model(self) -> dict[str, Any]:
        try:
            embedder = self.embedder
        except FolioError as exc:
            return {"ok": False, "error": exc.message}
        return {"ok": True, "model": embedder.model_id, "dimensions": embedder.dimensions}

    def check_index(self) -> dict[str, Any]:
        try:
            snap = self.index.snapshot()
        except FolioError as exc:
            return {"ok": False, "uri": self.settings.index_uri, "error": exc.message}
        ok = snap.size > 0
        result: dict[str, Any] = {
            "ok": ok,
            "uri": self.settings.index_uri,
            "chunks": snap.size,
            "version": snap.version,
            "corpus_version": snap.corpus_version,
        }
        if not ok:
            result["error"] = "the index is empty: run `folio ingest`"
        return result

    def check_llm(self) -> dict[str, Any]:
        providers = [f"{p.name}:{p.model}" for p in self.chain.providers]
        return {"ok": True, "providers": providers, "fallback": "extractive"}

    def ready(self) -> None:
        """Raise Unavailable with the reason when a question could not be answered now."""
        for name, check in (("model", self.check_model), ("index", self.check_index)):
            result = check()
            if not result["ok"]:
                raise Unavailable(f"{name}: {result['error']}")

    def startup_warnings(self) -> list[str]:
        s = self.settings
        warnings = []
        if not s.api_keys:
            warnings.append("no FOLIO_API_KEYS: the chat endpoint is open to anyone who can reach it")
        if s.admin_key is None:
            warnings.append("no FOLIO_ADMIN_KEY: ingest and detailed health are open (development only)")
        if s.groq_api_key is None and not s.ollama_url:
            warnings.append("no GROQ_API_KEY or OLLAMA_URL: answers are extractive (no LLM)")
        return warnings

    async def aclose(self) -> None:
        if self._chain is not None:
            await self._chain.aclose()


def runtime(request: Request) -> Runtime:
    """The one accessor for the shared objects of the app serving this request."""
    value = request.app.state.runtime
    assert isinstance(value, Runtime)
    return value
