"""Health and ingest over real HTTP; the OpenAPI document matches the routes that exist."""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING, Any

import pytest

from folio.cli import combined_app
from folio.runtime import Runtime
from tests.conftest import ADMIN_KEY, KNOWLEDGE
from tests.support.lambdas import body_of, load_event
from tests.support.servers import UvicornServer

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import httpx

    from folio.settings import Settings
    from tests.fakes.llm_server import FakeLLM

ADMIN = {"authorization": f"Bearer {ADMIN_KEY}"}


def test_liveness_and_readiness(serve: Callable[..., httpx.Client]) -> None:
    client = serve()
    for path in ("/health", "/health/live", "/health/ready"):
        response = client.get(path)
        assert response.status_code == 200 and response.json()["status"] == "ok"


def test_readiness_names_a_missing_model(make_settings: Callable[..., Settings], tmp_path: Path) -> None:
    import httpx

    settings = make_settings(model_path=tmp_path / "missing.onnx")
    with UvicornServer(combined_app(settings, Runtime(settings))) as server:
        response = httpx.get(f"{server.url}/health/ready")
        assert response.status_code == 503
        message = response.json()["error"]["message"]
        assert message == "model: The embedding model is not available." and str(tmp_path) not in response.text
        assert httpx.get(f"{server.url}/health/live").status_code == 200, "the process is still alive"


def test_detailed_health_reports_each_dependency(serve: Callable[..., httpx.Client], tmp_path: Path) -> None:
    client = serve(admin_key=ADMIN_KEY)
    assert client.get("/health/detailed").status_code == 401
    body = client.get("/health/detailed", headers=ADMIN).json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"model", "index", "llm", "store", "feedback", "budget"}
    assert body["checks"]["store"]["backend"] == "memory"
    empty = serve(admin_key=ADMIN_KEY, index_uri=str(tmp_path / "nothing"))
    response = empty.get("/health/detailed", headers=ADMIN)
    assert response.status_code == 503 and response.json()["checks"]["index"]["ok"] is False


def test_ingest_over_http_then_chat_sees_the_new_document(
    serve: Callable[..., httpx.Client], docs: Path, tmp_path: Path
) -> None:
    client = serve(admin_key=ADMIN_KEY, docs_dir=docs, index_uri=str(tmp_path / "index"))
    assert client.post("/api/ingest").status_code == 401
    first = client.post("/api/ingest", headers=ADMIN).json()
    assert first["files"] == 12 and first["request_id"] and set(first["timings"]) >= {"read", "embed_chunks", "write"}
    (docs / "beekeeping.md").write_text(
        "---\ntitle: Beekeeping\ndoc_type: about\n---\n# Beekeeping\n\n"
        "Maya keeps three beehives on her allotment in Majorna."
    )
    second = client.post("/api/ingest", headers=ADMIN).json()
    assert second["added"] == 1 and second["embedded"] == 1
    answer = client.post("/api/chat", json={"message": "How many beehives does Maya keep?"}).json()
    assert "three beehives" in answer["answer"]


def test_openapi_lists_exactly_the_public_routes(serve: Callable[..., httpx.Client]) -> None:
    from starlette.routing import Route

    from functions.chat import app as chat
    from functions.health import app as health
    from functions.ingest import app as ingest

    spec = serve().get("/openapi.json").json()
    routes = {
        (method.lower(), route.path)
        for module in (chat, health, ingest)
        for route in module.ROUTES
        if isinstance(route, Route) and route.include_in_schema  # not the widget and its demo page
        for method in (route.methods or set()) - {"HEAD"}
    }
    documented = {(method, path) for path, ops in spec["paths"].items() for method in ops}
    assert documented == routes
    chat_op = spec["paths"]["/api/chat"]["post"]
    assert chat_op["description"] and chat_op["security"] == [{"apiKey": []}]
    schemas = spec["components"]["schemas"]
    assert schemas["ChatRequest"]["examples"] and schemas["ChatResponse"]["examples"]
    assert "ErrorBody" in schemas and "422" in chat_op["responses"]


ABOUT = (KNOWLEDGE / "about.md").read_text()
NEW_URL = "https://maya.example.dev/people/maya"


@pytest.mark.parametrize("via", ["http", "lambda"])
def test_a_front_matter_edit_is_re_indexed_and_served_in_citations(
    via: str, serve: Callable[..., httpx.Client], invoke: Any, tmp_path: Path, fake_llm: FakeLLM
) -> None:
    """GIVEN an answer cached with its citation WHEN only the document's front matter changes and
    the folder is re-ingested THEN the ingest reports its chunks updated (none embedded) and the
    next answer cites the new URL and type; an unchanged re-ingest reports everything unchanged."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "about.md").write_text(ABOUT)
    shutil.copy(KNOWLEDGE / "transcript.md", docs / "transcript.md")
    fake_llm.reply_text = "She sings alto in the Majorna Community Choir [1]."
    settings = {
        "admin_key": ADMIN_KEY,
        "docs_dir": docs,
        "index_uri": str(tmp_path / "index"),
        "groq_api_key": "gsk_fake_key_for_tests",
        "groq_base_url": fake_llm.url,
        "ip_sessions_per_window": 20,
    }
    ingest, ask = _ingest_and_ask(via, serve, invoke, **settings)

    first = ingest()
    answer = ask("Which choir does Maya sing in?")
    assert answer["provider"] == "groq" and answer["sources"][0]["url"] == "https://maya.example.dev/about"
    assert ask("Which choir does Maya sing in?")["cached"] is True

    (docs / "about.md").write_text(
        ABOUT.replace("url: https://maya.example.dev/about", f"url: {NEW_URL}").replace(
            "doc_type: about", "doc_type: bio"
        )
    )
    second = ingest()
    assert second["updated"] > 0 and (second["added"], second["removed"], second["embedded"]) == (0, 0, 0)
    assert second["updated"] + second["unchanged"] == first["chunks"]
    answer = ask("Which choir does Maya sing in?")
    assert answer["cached"] is False and answer["sources"][0]["url"] == NEW_URL
    assert ask("Which choir does Maya sing in?", doc_type="bio")["sources"][0]["url"] == NEW_URL

    third = ingest()
    assert (third["updated"], third["unchanged"], third["embedded"]) == (0, first["chunks"], 0)


def _ingest_and_ask(via: str, serve: Callable[..., httpx.Client], invoke: Any, **settings: Any) -> tuple[Any, Any]:
    if via == "http":
        client = serve(**settings)
        return (
            lambda: client.post("/api/ingest", headers=ADMIN).json(),
            lambda message, **extra: client.post("/api/chat", json={"message": message, **extra}).json(),
        )
    ingest, chat = invoke("ingest", **settings), invoke("chat", **settings)
    return (
        lambda: body_of(ingest(load_event("ingest.json"))),
        lambda message, **extra: body_of(chat(load_event("chat.json", body=json.dumps({"message": message, **extra})))),
    )
