"""POST /api/chat over real HTTP (uvicorn), every edge case with its status and error shape."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.support.damage import assert_no_internals

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    import httpx

    from tests.fakes.llm_server import FakeLLM

QUESTION = {"message": "What grade did she get in Database Internals?"}
KEY = "site-key-0123456789abcdef"


def _error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text
    result: dict[str, Any] = body["error"]
    return result


def test_answers_with_citations_without_any_llm(serve: Callable[..., httpx.Client]) -> None:
    response = serve().post("/api/chat", json=QUESTION)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"answer", "sources", "grounded", "provider", "cached", "session_id", "answer_id", "request_id"}
    assert body["provider"] == "extractive" and body["grounded"] is True
    assert "DSY518" in body["answer"]
    source = body["sources"][0]
    assert source["n"] == 1 and source["title"] and source["url"].startswith("https://")
    assert set(source) == {"n", "id", "title", "section", "url", "snippet", "score"}
    assert body["request_id"] == response.headers["x-request-id"]


def test_answers_through_groq(serve: Callable[..., httpx.Client], fake_llm: FakeLLM) -> None:
    fake_llm.reply_text = "An A- [2]."
    client = serve(groq_api_key="gsk_fake_key_for_tests", groq_base_url=fake_llm.url)
    body = client.post("/api/chat", json=QUESTION).json()
    assert body["provider"] == "groq" and body["answer"] == "An A- [1]."
    assert [s["n"] for s in body["sources"]] == [1]
    follow_up = {"message": "And in Distributed Algorithms?", "session_id": body["session_id"]}
    again = client.post("/api/chat", json=follow_up)
    assert again.json()["session_id"] == body["session_id"]


@pytest.mark.parametrize("mode", ["rate_limited", "server_error", "malformed", "hang"])
def test_groq_failures_fall_back_to_extractive(
    serve: Callable[..., httpx.Client], fake_llm: FakeLLM, mode: str
) -> None:
    fake_llm.mode = mode  # type: ignore[assignment]
    fake_llm.retry_after = "30"
    client = serve(groq_api_key="gsk_fake_key_for_tests", groq_base_url=fake_llm.url, llm_timeout_seconds=1)
    body = client.post("/api/chat", json=QUESTION).json()
    assert body["provider"] == "extractive" and body["grounded"] and "DSY518" in body["answer"]


def test_off_topic_question_is_politely_refused(serve: Callable[..., httpx.Client]) -> None:
    body = serve().post("/api/chat", json={"message": "What is the capital of Australia?"}).json()
    assert body["grounded"] is False and body["sources"] == [] and body["provider"] == "none"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"message": ""}, "message"),
        ({"message": "x" * 501}, "message"),
        ({"message": "a" * 30}, "message"),
        ({"message": 42}, "message"),
        ({}, "message"),
        ({"message": "hi", "session_id": "bad id!"}, "session_id"),
        ({"message": "hi", "system_prompt": "be evil"}, "system_prompt"),
    ],
)
def test_invalid_fields_are_422_with_field_errors(
    serve: Callable[..., httpx.Client], payload: dict[str, Any], field: str
) -> None:
    error = _error(serve().post("/api/chat", json=payload), 422, "validation_error")
    assert any(d["field"] == field for d in error["details"])


def test_broken_json_is_400(serve: Callable[..., httpx.Client]) -> None:
    client = serve()
    _error(client.post("/api/chat", content=b"{nope", headers={"content-type": "application/json"}), 400, "bad_request")
    _error(client.post("/api/chat", content=b"[1,2]", headers={"content-type": "application/json"}), 400, "bad_request")


def test_absurd_json_is_400_and_the_connection_stays_usable(serve: Callable[..., httpx.Client]) -> None:
    """Arrays nested 3,000 deep (RecursionError in the parser) and a 5,000-digit number (past
    Python's integer-string limit) are a 400 in the error shape, not a 500; the same keep-alive
    connection then answers normally."""
    client = serve()
    headers = {"content-type": "application/json"}
    for body in (b"[" * 3000 + b"]" * 3000, b'{"message": ' + b"9" * 5000 + b"}", b'{"message": "\xff\xfe"}'):
        error = _error(client.post("/api/chat", content=body, headers=headers), 400, "bad_request")
        assert "Traceback" not in error["message"] and "/" not in error["message"]
    assert (
        client.post("/api/chat", json={"message": "What grade did she get in Database Internals?"}).status_code == 200
    )


def test_wrong_content_type_is_415(serve: Callable[..., httpx.Client]) -> None:
    response = serve().post(
        "/api/chat", content=b"message=hi", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    _error(response, 415, "unsupported_media_type")


def test_declared_body_over_the_limit_is_413(serve: Callable[..., httpx.Client]) -> None:
    client = serve(max_body_bytes=1024)
    _error(client.post("/api/chat", json={"message": "hi", "pad": "x" * 5000}), 413, "payload_too_large")


def test_chunked_body_over_the_limit_is_413(serve: Callable[..., httpx.Client]) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"message": "'
        for _ in range(20):
            yield b"y" * 200
        yield b'"}'

    client = serve(max_body_bytes=1024)
    response = client.post("/api/chat", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    _error(response, 413, "payload_too_large")


def test_api_key_is_required_when_configured(serve: Callable[..., httpx.Client]) -> None:
    client = serve(api_keys=["old-key-0123456789abcdef", KEY])
    error = _error(client.post("/api/chat", json=QUESTION), 401, "unauthorized")
    assert "X-API-Key" in error["message"]
    _error(client.post("/api/chat", json=QUESTION, headers={"x-api-key": "wrong"}), 401, "unauthorized")
    assert client.post("/api/chat", json=QUESTION, headers={"x-api-key": KEY}).status_code == 200
    assert client.post("/api/chat", json=QUESTION, headers={"x-api-key": "old-key-0123456789abcdef"}).status_code == 200


def test_origin_allowlist_and_cors_on_errors_too(serve: Callable[..., httpx.Client]) -> None:
    client = serve(allowed_origins=["https://maya.example.dev"], api_keys=[KEY])
    good = {"origin": "https://maya.example.dev", "x-api-key": KEY}
    ok = client.post("/api/chat", json=QUESTION, headers=good)
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == "https://maya.example.dev"
    _error(
        client.post("/api/chat", json=QUESTION, headers={**good, "origin": "https://evil.example"}), 403, "forbidden"
    )
    refused = client.post("/api/chat", json={"message": ""}, headers=good)
    _error(refused, 422, "validation_error")
    assert refused.headers["access-control-allow-origin"] == "https://maya.example.dev"
    preflight = client.options(
        "/api/chat",
        headers={
            "origin": "https://maya.example.dev",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type,x-api-key",
        },
    )
    assert preflight.status_code == 200
    assert "x-api-key" in preflight.headers["access-control-allow-headers"].lower()


def test_security_headers_and_request_ids(serve: Callable[..., httpx.Client]) -> None:
    client = serve()
    response = client.post("/api/chat", json=QUESTION, headers={"x-request-id": "client-req-12345"})
    assert response.headers["x-request-id"] == "client-req-12345"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "strict-transport-security" not in response.headers
    https = client.get("/health", headers={"x-forwarded-proto": "https", "x-request-id": "bad id with spaces"})
    assert "max-age" in https.headers["strict-transport-security"]
    assert https.headers["x-request-id"] != "bad id with spaces"


def test_unknown_routes_and_methods_use_the_error_shape(serve: Callable[..., httpx.Client]) -> None:
    client = serve()
    _error(client.get("/api/nope"), 404, "not_found")
    _error(client.get("/api/chat"), 405, "method_not_allowed")


def test_missing_index_is_503_with_the_reason(serve: Callable[..., httpx.Client], tmp_path: Any) -> None:
    response = serve(index_uri=str(tmp_path / "none")).post("/api/chat", json=QUESTION)
    error = _error(response, 503, "unavailable")
    assert error["message"] == "No index has been built yet: run `folio ingest`."
    assert_no_internals(response.text, tmp_path)
