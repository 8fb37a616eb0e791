"""Every function through its Mangum handler with the committed Function URL (payload 2.0) events."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tests.conftest import ADMIN_KEY
from tests.support.damage import assert_no_internals
from tests.support.lambdas import body_of, load_event

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import numpy as np

Invoke = Any


def test_chat_event_answers_with_citations(invoke: Invoke) -> None:
    response = invoke("chat")(load_event("chat.json"))
    assert response["statusCode"] == 200
    body = body_of(response)
    assert body["grounded"] and "DSY518" in body["answer"]
    assert body["request_id"] == "9f1c2a4e-0b6d-4c1e-9a53-1d2e3f4a5b60", "the Function URL request id is used"
    headers = {k.lower(): v for k, v in response["headers"].items()}
    assert headers["x-request-id"] == body["request_id"]
    assert "max-age" in headers["strict-transport-security"], "the event came over HTTPS"


def test_base64_body_is_decoded(invoke: Invoke) -> None:
    response = invoke("chat")(load_event("chat-base64.json"))
    assert response["statusCode"] == 200
    assert body_of(response)["sources"]


def test_invalid_event_gets_422_json(invoke: Invoke) -> None:
    response = invoke("chat")(load_event("chat-invalid.json"))
    assert response["statusCode"] == 422
    assert body_of(response)["error"]["code"] == "validation_error"


def test_preflight_gets_cors_headers(invoke: Invoke) -> None:
    response = invoke("chat", allowed_origins=["https://maya.example.dev"])(load_event("chat-preflight.json"))
    assert response["statusCode"] == 200
    headers = {k.lower(): v for k, v in response["headers"].items()}
    assert headers["access-control-allow-origin"] == "https://maya.example.dev"


def test_api_key_and_origin_checks_apply_on_lambda(invoke: Invoke) -> None:
    handler = invoke("chat", api_keys=["site-key-0123456789abcdef"], allowed_origins=["https://other.example"])
    forbidden = handler(load_event("chat.json"))
    assert forbidden["statusCode"] == 403
    handler = invoke("chat", api_keys=["site-key-0123456789abcdef"])
    assert handler(load_event("chat.json"))["statusCode"] == 401
    ok = handler(load_event("chat.json", headers={"x-api-key": "site-key-0123456789abcdef"}))
    assert ok["statusCode"] == 200


def test_warm_up_pings_are_answered_without_raising(invoke: Invoke) -> None:
    for function in ("chat", "health", "ingest"):
        assert invoke(function)(load_event("warmup.json")) == {"ok": True, "ignored": "not an HTTP event"}
        assert invoke(function)({"source": "aws.events", "detail-type": "Scheduled Event"})["ok"] is True


def test_health_events(invoke: Invoke, tmp_path: Path) -> None:
    health = invoke("health", admin_key=ADMIN_KEY)
    assert body_of(health(load_event("health.json")))["status"] == "ok"
    assert health(load_event("health-ready.json"))["statusCode"] == 200
    detailed = health(load_event("health-detailed.json"))
    assert detailed["statusCode"] == 200
    checks = body_of(detailed)["checks"]
    assert checks["index"]["chunks"] > 40 and checks["index"]["corpus_version"]
    assert checks["model"]["ok"] and checks["llm"]["fallback"] == "extractive"

    missing = invoke("health", index_uri=str(tmp_path / "none"), admin_key=ADMIN_KEY)
    ready = missing(load_event("health-ready.json"))
    assert ready["statusCode"] == 503
    assert body_of(ready)["error"]["message"] == "index: No index has been built yet: run `folio ingest`."
    detailed = missing(load_event("health-detailed.json"))
    assert detailed["statusCode"] == 503
    chat = invoke("chat", index_uri=str(tmp_path / "none"))(load_event("chat.json"))
    assert chat["statusCode"] == 503
    for response in (ready, detailed, chat):
        assert_no_internals(response["body"], tmp_path)


def test_detailed_health_needs_the_admin_key(invoke: Invoke) -> None:
    health = invoke("health", admin_key="a-different-admin-key-123456")
    assert health(load_event("health-detailed.json"))["statusCode"] == 401


def test_ingest_event_indexes_the_docs_folder(invoke: Invoke, docs: Path, tmp_path: Path) -> None:
    ingest = invoke("ingest", admin_key=ADMIN_KEY, docs_dir=docs, index_uri=str(tmp_path / "index"))
    response = ingest(load_event("ingest.json"))
    assert response["statusCode"] == 200, response
    body = body_of(response)
    assert body["files"] == 12 and body["added"] == body["chunks"] and body["skipped"] == []
    again = body_of(ingest(load_event("ingest.json")))
    assert again["embedded"] == 0 and again["unchanged"] == body["chunks"]
    assert ingest(load_event("ingest.json", headers={"authorization": "Bearer wrong"}))["statusCode"] == 401


def test_openapi_event(invoke: Invoke) -> None:
    spec = body_of(invoke("chat")(load_event("openapi.json")))
    assert list(spec["paths"]) == ["/api/chat", "/api/feedback"]


def test_unexpected_errors_are_500_without_internals(
    make_settings: Callable[..., Any], embedder: Any, caplog: Any
) -> None:

    from folio.handlers import lambda_handler
    from folio.runtime import Runtime
    from functions.chat.app import create_app
    from tests.support.lambdas import context

    class ExplodingEmbedder:
        model_id, identity, dimensions = "broken", embedder.identity, 384

        def embed_batch(self, texts: Any) -> np.ndarray:
            raise RuntimeError("secret internal detail")

    settings = make_settings()
    handler = lambda_handler(create_app(settings, Runtime(settings, embedder=ExplodingEmbedder())))
    response = handler(load_event("chat.json"), context())
    assert response["statusCode"] == 500
    body = body_of(response)
    assert body["error"]["code"] == "internal_error" and "secret" not in response["body"]
    assert any("unhandled error" in r.getMessage() and r.exc_info for r in caplog.records)


def test_invocations_reuse_the_worker_thread(make_settings: Callable[..., Any], embedder: Any) -> None:
    """The query embedding runs in a worker thread that outlives each Lambda invocation."""
    import threading

    from folio.handlers import lambda_handler
    from folio.runtime import Runtime
    from functions.chat.app import create_app
    from tests.support.lambdas import context

    threads: list[int] = []

    class RecordingEmbedder:
        model_id, identity, dimensions = embedder.model_id, embedder.identity, embedder.dimensions

        def embed_batch(self, texts: Any) -> np.ndarray:
            threads.append(threading.get_native_id())  # not get_ident: pthread ids are reused
            result: np.ndarray = embedder.embed_batch(texts)
            return result

    settings = make_settings(ip_sessions_per_window=10)
    handler = lambda_handler(create_app(settings, Runtime(settings, embedder=RecordingEmbedder())))
    for n in range(4):
        body = json.dumps({"message": f"What grade did she get in Database Internals? ({n})"})
        assert handler(load_event("chat.json", body=body), context())["statusCode"] == 200
    workers = set(threads) - {threading.get_native_id()}  # the init phase warms the model here
    assert len(threads) > 4 and len(workers) == 1, "one worker thread for all four invocations"


def test_lambda_logs_are_powertools_json_with_the_invocation(invoke: Invoke, capsys: Any) -> None:
    handler = invoke("chat")
    capsys.readouterr()
    handler(load_event("chat.json"))
    handler(load_event("warmup.json"))
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert not any(line["message"].startswith("POST /api/chat") for line in lines), "folio's line, not Mangum's"
    request = next(line for line in lines if line["message"] == "request")
    assert request["correlation_id"] == request["request_id"] == "9f1c2a4e-0b6d-4c1e-9a53-1d2e3f4a5b60"
    assert request["service"] == "folio" and request["function_name"] == "folio-chat"
    assert request["cold_start"] is True and request["function_request_id"]
    assert {"path": "/api/chat", "method": "POST", "status": 200}.items() <= request.items()
    assert request["level"] == "INFO" and request["duration_ms"] > 0
    ignored = next(line for line in lines if line["message"] == "ignored a non-HTTP event")
    assert ignored["cold_start"] is False and "correlation_id" not in ignored, "no Function URL request id"
    assert ignored["function_request_id"] != request["function_request_id"]
