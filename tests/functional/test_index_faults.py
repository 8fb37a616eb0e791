"""A damaged LanceDB index on disk, or one another embedding model made, over HTTP and through the
Lambda handlers.

GIVEN the sample documents ingested, then ingested again with one more document (a second version)
WHEN the files of that newest version are overwritten with garbage (its manifests, or its data files)
THEN a process holding the older version keeps answering from it (ready, detailed says degraded);
a process that starts on the damaged index, or whose served version's files are damaged, answers
503 on chat, ready and detailed, with a plain reason: never a path or LanceDB's words, which go to
the log with the request id. A version whose vectors another model made is refused the same way,
with its own reason, until `folio ingest` re-embeds it.
"""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING, Any

import pytest

from folio.index import OTHER_MODEL, UNREADABLE, Index
from folio.ingest import run_ingest
from tests.conftest import ADMIN_KEY, KNOWLEDGE
from tests.support.damage import assert_no_internals, damage, files_of
from tests.support.lambdas import load_event

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import httpx

    from folio.embeddings import Embedder
    from tests.support.damage import Part

Call = Any  # (route) -> (status, body text)
ROUTES = ("chat", "ready", "detailed")
BEEKEEPING = "---\ntitle: Beekeeping\n---\n# Beekeeping\n\nMaya keeps three beehives on her allotment in Majorna.\n"


def _client(via: str, serve: Callable[..., httpx.Client], invoke: Any, **settings: Any) -> Call:
    """chat, ready and detailed of one process (HTTP), or of the chat and health functions (Lambda)."""
    if via == "http":
        client = serve(**settings)
        admin = {"authorization": f"Bearer {ADMIN_KEY}"}
        requests = {
            "chat": lambda: client.post("/api/chat", json={"message": "What grade did she get in Database Internals?"}),
            "ready": lambda: client.get("/health/ready"),
            "detailed": lambda: client.get("/health/detailed", headers=admin),
        }

        def over_http(route: str) -> tuple[int, str]:
            response = requests[route]()
            return response.status_code, response.text

        return over_http
    chat, health = invoke("chat", **settings), invoke("health", **settings)
    events = {"chat": (chat, "chat.json"), "ready": (health, "health-ready.json")}
    events["detailed"] = (health, "health-detailed.json")

    def through_lambda(route: str) -> tuple[int, str]:
        handler, name = events[route]
        response = handler(load_event(name))
        return response["statusCode"], response["body"]

    return through_lambda


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """Two of the sample's documents (the transcript answers the question): quick to ingest twice."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("transcript.md", "about.md"):
        shutil.copy(KNOWLEDGE / name, folder / name)
    return folder


def _two_versions(docs: Path, path: Path, embedder: Embedder, between: Callable[[], None] | None = None) -> set[Path]:
    """Ingest, run `between`, ingest again with one more document; the files the first one left."""
    run_ingest(docs, Index(str(path)), embedder)
    if between is not None:
        between()
    before = files_of(path)
    (docs / "beekeeping.md").write_text(BEEKEEPING)
    summary = run_ingest(docs, Index(str(path)), embedder)
    assert summary.added == 1
    return before


def _held(caplog: pytest.LogCaptureFixture) -> list[Any]:
    return [r for r in caplog.records if r.getMessage().startswith("the newest index version cannot be read")]


@pytest.mark.parametrize("part", ["manifest", "data"])
@pytest.mark.parametrize("via", ["http", "lambda"])
def test_a_newer_unreadable_version_leaves_the_held_snapshot_serving(
    via: str,
    part: Part,
    docs: Path,
    tmp_path: Path,
    embedder: Embedder,
    serve: Callable[..., httpx.Client],
    invoke: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = tmp_path / "index"
    calls: list[Call] = []
    held: list[int] = []

    def start_serving() -> None:
        calls.append(_client(via, serve, invoke, index_uri=str(path), admin_key=ADMIN_KEY, ip_sessions_per_window=50))
        assert [calls[0](route)[0] for route in ROUTES[:2]] == [200, 200]
        status, text = calls[0]("detailed")
        assert status == 200
        held.append(json.loads(text)["checks"]["index"]["version"])

    before = _two_versions(docs, path, embedder, between=start_serving)
    call = calls[0]
    damage(path, before, part)  # before any request has looked at the new version

    for _ in range(3):  # every request looks for a newer version (refresh 0 s)
        status, text = call("chat")
        assert status == 200, text
        assert "DSY518" in json.loads(text)["answer"]
        assert str(path) not in text
    status, text = call("ready")
    assert status == 200, text
    status, text = call("detailed")
    index = json.loads(text)["checks"]["index"]
    assert status == 200 and json.loads(text)["status"] == "degraded"
    assert index["ok"] and index["version"] == held[0] and index["stale"].startswith("a newer version cannot be read")
    assert_no_internals(text, path, tmp_path)

    records = _held(caplog)
    assert len(records) == (1 if via == "http" else 2), "logged once per process, not at every refresh"
    assert all(str(path) in r.reason and r.request_id != "-" for r in records), "the detail is in the log"


@pytest.mark.parametrize("part", ["manifest", "data"])
@pytest.mark.parametrize("via", ["http", "lambda"])
def test_a_process_starting_on_a_damaged_index_answers_503_with_a_clean_reason(
    via: str,
    part: Part,
    docs: Path,
    tmp_path: Path,
    embedder: Embedder,
    serve: Callable[..., httpx.Client],
    invoke: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = tmp_path / "index"
    damage(path, _two_versions(docs, path, embedder), part)
    call = _client(via, serve, invoke, index_uri=str(path), admin_key=ADMIN_KEY)
    _assert_unavailable(call, path, tmp_path)
    assert any(str(path) in str(getattr(r, "reason", "")) for r in caplog.records), "the detail is in the log"


def test_damage_under_the_version_being_served_is_503_on_chat_ready_and_detailed(
    docs: Path, tmp_path: Path, embedder: Embedder, serve: Callable[..., httpx.Client], invoke: Any
) -> None:
    """The held version's own data files damaged: readiness reads the index, so it says so too."""
    path = tmp_path / "index"
    before = _two_versions(docs, path, embedder)
    calls = [_client(via, serve, invoke, index_uri=str(path), admin_key=ADMIN_KEY) for via in ("http", "lambda")]
    for call in calls:
        assert [call(route)[0] for route in ROUTES] == [200, 200, 200]
    damage(path, before, "data")
    for call in calls:
        _assert_unavailable(call, path, tmp_path)


@pytest.mark.parametrize("via", ["http", "lambda"])
def test_an_index_another_model_embedded_is_refused_until_re_ingested(
    via: str,
    docs: Path,
    tmp_path: Path,
    embedder: Embedder,
    other_embedder: Embedder,
    serve: Callable[..., httpx.Client],
    invoke: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """GIVEN an index on disk whose vectors another model made (the model changed, the index did
    not) WHEN a process starts on it THEN it says so at start, naming both models, and answers 503
    with a plain reason rather than ranking by scores that mean nothing; re-ingesting fixes it."""
    path = tmp_path / "index"
    run_ingest(docs, Index(str(path)), other_embedder)
    call = _client(via, serve, invoke, index_uri=str(path), admin_key=ADMIN_KEY, docs_dir=docs)
    if via == "lambda":  # each function's init phase warms up: its log line names both models
        started = [r for r in caplog.records if r.getMessage().startswith("not ready at start-up")]
        both = f"embedded by {other_embedder.identity}; this folio embeds with {embedder.identity}"
        assert len(started) == 2 and all(both in getattr(r, "reason", "") for r in started)
    _assert_unavailable(call, path, tmp_path, message=OTHER_MODEL)
    assert json.loads(call("detailed")[1])["checks"]["model"]["identity"] == embedder.identity

    run_ingest(docs, Index(str(path)), embedder)
    assert [call(route)[0] for route in ROUTES] == [200, 200, 200]
    assert json.loads(call("detailed")[1])["checks"]["index"]["model"] == embedder.identity


def test_a_newer_version_another_model_embedded_leaves_the_held_snapshot_serving(
    docs: Path, tmp_path: Path, embedder: Embedder, other_embedder: Embedder, serve: Callable[..., httpx.Client]
) -> None:
    """An ingest by another folio (a deployment half rolled out) while this one serves: it keeps
    answering from the version its own model made, and detailed health says why it is stale."""
    path = tmp_path / "index"
    run_ingest(docs, Index(str(path)), embedder)
    call = _client("http", serve, None, index_uri=str(path), admin_key=ADMIN_KEY)
    assert [call(route)[0] for route in ROUTES] == [200, 200, 200]
    run_ingest(docs, Index(str(path)), other_embedder)
    status, text = call("chat")
    assert status == 200 and "DSY518" in json.loads(text)["answer"]
    status, text = call("detailed")
    index = json.loads(text)["checks"]["index"]
    assert status == 200 and index["ok"] and index["model"] == embedder.identity
    assert index["stale"] == f"a newer version cannot be read ({OTHER_MODEL}); serving this one"


def _assert_unavailable(call: Call, *locations: object, message: str = UNREADABLE) -> None:
    status, text = call("chat")
    assert status == 503, text
    assert json.loads(text)["error"] | {"request_id": None} == {
        "code": "unavailable",
        "message": message,
        "request_id": None,
    }
    assert_no_internals(text, *locations)
    status, text = call("ready")
    assert status == 503 and json.loads(text)["error"]["message"] == f"index: {message}"
    assert_no_internals(text, *locations)
    status, text = call("detailed")
    body = json.loads(text)
    assert (
        status == 503
        and body["status"] == "unavailable"
        and body["checks"]["index"]
        == {
            "ok": False,
            "error": message,
        }
    )
    assert_no_internals(text, *locations)
