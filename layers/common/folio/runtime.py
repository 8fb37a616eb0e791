"""The per-process objects every request shares, built on first use and never per request."""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from secrets import token_bytes as random_bytes
from typing import TYPE_CHECKING, Any

from folio.clientip import parse_networks
from folio.errors import FolioError, Unavailable
from folio.metrics import build_metrics
from folio.secrets import Secrets

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    import numpy as np
    from starlette.requests import Request

    from folio.answering import Answerer
    from folio.budget import Budget
    from folio.chat import ChatService
    from folio.embeddings import Embedder
    from folio.feedback import Feedback
    from folio.index import Index
    from folio.ingest import IngestSummary, Progress
    from folio.llm import LLMChain
    from folio.ratelimit import Limits
    from folio.retrieval import Retriever
    from folio.sessions import SessionIds
    from folio.settings import Settings
    from folio.store import FailoverStore

log = logging.getLogger(__name__)


@functools.cache
def _shared_embedder(
    model_path: Path | None, tokenizer_path: Path | None, max_tokens: int, batch: int, threads: int, workers: int
) -> Embedder:
    """One ONNX session per process, whatever number of apps or runtimes ask for it."""
    from folio.embeddings import OnnxEmbedder

    return OnnxEmbedder(
        model_path, tokenizer_path, max_tokens=max_tokens, batch_size=batch, threads=threads, workers=workers
    )


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
        self._store: FailoverStore | None = None
        self._chat: ChatService | None = None
        self._limits: Limits | None = None
        self._session_ids: SessionIds | None = None
        self._feedback: Feedback | None = None
        self._budget: Budget | None = None
        self._lock = threading.Lock()
        self._ingest_lock = threading.Lock()
        self.secrets = Secrets(settings)
        self.metrics = build_metrics(settings)
        self.trusted_proxies = parse_networks(settings.trusted_proxies)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            s = self.settings
            with self._lock:
                self._embedder = _shared_embedder(
                    s.model_path,
                    s.tokenizer_path,
                    s.embed_max_tokens,
                    s.embed_batch_size,
                    s.embed_threads,
                    s.embed_workers,
                )
        return self._embedder

    @property
    def index(self) -> Index:
        if self._index is None:
            from folio.index import Index

            s = self.settings
            self._index = Index(
                s.index_uri,
                s.index_table,
                refresh_seconds=s.index_refresh_seconds,
                storage_options=s.storage_options(),
                keep_versions_seconds=s.index_keep_versions_seconds,
                model=self.model_identity(),
            )
        return self._index

    def model_identity(self) -> str:
        """What this process's query vectors depend on; known without loading the model."""
        if self._embedder is not None:
            return self._embedder.identity
        from folio.embeddings import model_identity

        s = self.settings
        return model_identity(s.model_path, s.tokenizer_path, s.embed_max_tokens)

    @property
    def chain(self) -> LLMChain:
        if self._chain is None:
            from folio.llm import LLMChain

            self._chain = LLMChain.from_settings(
                self.settings, groq_api_key=self.secrets.value("groq_api_key"), metrics=self.metrics
            )
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

    @property
    def store(self) -> FailoverStore:
        if self._store is None:
            from folio.store.failover import build_store

            self._store = build_store(self.settings, self.secrets, self.metrics)
        return self._store

    @property
    def limits(self) -> Limits:
        if self._limits is None:
            from folio.ratelimit import Limits

            self._limits = Limits(self.store, self.settings, self.metrics)
        return self._limits

    @property
    def session_ids(self) -> SessionIds:
        """One signer for the session and answer ids of the chat and the feedback alike."""
        if self._session_ids is None:
            from folio.sessions import SessionIds

            self._session_ids = SessionIds(self._session_secret(), self.settings.session_ttl_seconds)
        return self._session_ids

    @property
    def feedback(self) -> Feedback:
        if self._feedback is None:
            from folio.feedback import Feedback

            s = self.settings
            self._feedback = Feedback(
                self.store,
                limits=self.limits,
                session_ids=self.session_ids,
                prefix=s.store_prefix,
                keep=s.feedback_keep,
                ttl_seconds=s.session_ttl_seconds,
                metrics=self.metrics,
            )
        return self._feedback

    @property
    def chat(self) -> ChatService:
        if self._chat is None:
            from folio.cache import AnswerCache
            from folio.chat import ChatService
            from folio.sessions import Conversations

            s, store = self.settings, self.store
            self._chat = ChatService(
                self.answerer,
                limits=self.limits,
                session_ids=self.session_ids,
                conversations=Conversations(
                    store, s.store_prefix, turns=s.history_turns, ttl_seconds=s.session_ttl_seconds
                ),
                cache=AnswerCache(store, ttl_seconds=s.cache_ttl_seconds),
                budget=self.budget,
                feedback=self.feedback,
                prefix=s.store_prefix,
                history_tokens=s.history_token_budget,
                metrics=self.metrics,
                log_questions=s.log_questions,
            )
        return self._chat

    def _session_secret(self) -> bytes:
        configured = self.secrets.value("session_secret")
        return configured.encode() if configured else random_bytes(32)

    @property
    def budget(self) -> Budget:
        if self._budget is None:
            from folio.budget import Budget

            s = self.settings
            self._budget = Budget(
                self.store,
                s.store_prefix,
                calls_per_day=s.budget_daily_llm_calls,
                tokens_per_day=s.budget_daily_llm_tokens,
                metrics=self.metrics,
            )
        return self._budget

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
            _ = self.chat  # limits, sessions, cache and the store client: built, nothing sent yet
            if self.store.primary is None:
                _ = self.store.fallback
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

    def try_warm(self) -> None:
        """warm(), logging a failure instead of raising it: /health/ready reports it meanwhile."""
        try:
            self.warm()
        except FolioError as exc:
            log.warning("not ready at start-up; /health/ready explains", extra={"reason": exc.internal or exc.message})
        except Exception:
            # Requests fail on their own with a 500 and the request id; start-up must not crash-loop.
            log.exception("warm-up failed; serving anyway, /health/ready explains")

    def check_model(self) -> dict[str, Any]:
        try:
            embedder = self.embedder
        except FolioError as exc:
            return _failed_check("model", exc)
        return {
            "ok": True,
            "model": embedder.model_id,
            "identity": embedder.identity,
            "dimensions": embedder.dimensions,
        }

    async def check_index(self) -> dict[str, Any]:
        """The version readers are served, read for real (a cheap query), and any newer version
        that could not be read (`stale`: still serving, from memory)."""
        try:
            snap = await asyncio.to_thread(self.index.snapshot)
            await self.index.probe(snap)
        except FolioError as exc:
            return _failed_check("index", exc)
        ok = snap.size > 0
        result: dict[str, Any] = {
            "ok": ok,
            "chunks": snap.size,
            "version": snap.version,
            "corpus_version": snap.corpus_version,
            "model": snap.model,
        }
        if not ok:
            result["error"] = "the index is empty: run `folio ingest`"
        if self.index.fault is not None:
            result["stale"] = f"a newer version cannot be read ({self.index.fault.message}); serving this one"
        return result

    async def check_store(self) -> dict[str, Any]:
        try:
            store = self.store
        except FolioError as exc:  # its credentials cannot be read (SSM): reported, not raised at start-up
            return {"ok": False, "backend": "unknown", "error": exc.message}
        try:
            await store.ping()
        except Exception as exc:  # the memory fallback itself failing is worth reporting, not raising
            return {"ok": False, "backend": store.name, "error": f"{type(exc).__name__}: {exc}"}
        return store.status()

    def check_feedback(self) -> dict[str, Any]:
        """Where feedback goes; not ok while this process holds some the store has not got."""
        try:
            feedback = self.feedback
        except FolioError as exc:  # the store's credentials cannot be read: check_store says why
            return {"ok": False, "error": exc.message}
        return feedback.status()

    def check_llm(self) -> dict[str, Any]:
        """The providers and their circuit breakers as this process sees them; not ok while every
        provider is skipped (answers are extractive meanwhile)."""
        return self.chain.status()

    async def ready(self) -> None:
        """Raise Unavailable with the reason when a question could not be answered now."""
        model = await asyncio.to_thread(self.check_model)
        if not model["ok"]:
            raise Unavailable(f"model: {model['error']}")
        index = await self.check_index()
        if not index["ok"]:
            raise Unavailable(f"index: {index['error']}")

    def startup_warnings(self) -> list[str]:
        from folio.settings import unknown_variable_warnings

        s = self.settings
        warnings = unknown_variable_warnings(s)
        if not (s.api_keys or s.api_keys_parameter):
            warnings.append(
                "no FOLIO_API_KEYS: public mode, the chat answers anyone who can reach it "
                "(browsers only from FOLIO_ALLOWED_ORIGINS), within the limits and the budget"
            )
        if s.loopback_unlimited:
            warnings.append("development: loopback clients are not rate limited (FOLIO_DEV_LOOPBACK_UNLIMITED)")
        if not (s.admin_key or s.admin_key_parameter):
            warnings.append("no FOLIO_ADMIN_KEY: ingest and detailed health are open (development only)")
        if not (s.groq_api_key or s.groq_api_key_parameter or s.ollama_url):
            warnings.append("no GROQ_API_KEY or OLLAMA_URL: answers are extractive (no LLM)")
        if not (s.session_secret or s.session_secret_parameter):
            warnings.append("no FOLIO_SESSION_SECRET: session ids are valid in this process only")
        if not (s.redis_url or s.upstash_redis_rest_url or s.upstash_redis_rest_url_parameter):
            warnings.append(
                "no REDIS_URL or UPSTASH_REDIS_REST_URL: limits, sessions, budget and feedback live in this process"
            )
        if s.log_questions:
            warnings.append("FOLIO_LOG_QUESTIONS is on: visitors' questions go to the logs")
        return warnings

    def ingest(self, location: str | None = None, progress: Progress | None = None) -> IngestSummary:
        """Index the configured documents (a folder or an S3 prefix) into this runtime's index."""
        from folio.ingest import run_ingest
        from folio.sources import local_folder

        s = self.settings
        with self._ingest_lock, local_folder(location or s.docs_dir, s) as folder:
            return run_ingest(
                folder,
                self.index,
                self._embedder or _ModelOnFirstUse(self),
                chunk_chars=s.chunk_chars,
                overlap_chars=s.chunk_overlap_chars,
                progress=progress,
            )

    async def aclose(self) -> None:
        if self._chain is not None:
            await self._chain.aclose()
        if self._store is not None:
            await self._store.aclose()


class _ModelOnFirstUse:
    """The runtime's embedder for an ingest, loaded at the first text to embed: an ingest with
    nothing new loads no model (onnxruntime, the tokenizer and the session)."""

    def __init__(self, runtime: Runtime) -> None:
        from folio.embeddings import DIMENSIONS, MODEL_ID

        self._runtime = runtime
        self.model_id = MODEL_ID
        self.identity = runtime.model_identity()
        self.dimensions = DIMENSIONS

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return self._runtime.embedder.embed_batch(texts)


def _failed_check(name: str, exc: FolioError) -> dict[str, Any]:
    """A failed check as answered (the public message), its detail logged with the request id."""
    log.warning("the %s check failed", name, extra={"reason": exc.internal or exc.message})
    return {"ok": False, "error": exc.message}


def runtime(request: Request) -> Runtime:
    """The one accessor for the shared objects of the app serving this request."""
    value = request.app.state.runtime
    assert isinstance(value, Runtime)
    return value
