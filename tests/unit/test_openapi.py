from __future__ import annotations

import importlib
from typing import Any

from folio.apidocs import render
from folio.cli import FUNCTIONS
from folio.openapi import Operation, build_spec
from folio.schemas import SESSION_ID_EXAMPLE, ChatResponse, HealthStatus
from folio.sessions import SessionIds

LIMIT_HEADERS = {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"}


def _spec() -> dict[str, Any]:
    return build_spec([op for name in FUNCTIONS for op in importlib.import_module(f"functions.{name}.app").OPERATIONS])


def test_429_documents_retry_after_and_the_ratelimit_headers() -> None:
    spec = _spec()
    chat = spec["paths"]["/api/chat"]["post"]["responses"]
    assert set(chat["429"]["headers"]) == {"Retry-After", *LIMIT_HEADERS}
    assert set(chat["200"]["headers"]) == LIMIT_HEADERS, "answers carry the allowance left"
    for ref in (*chat["429"]["headers"].values(), *chat["200"]["headers"].values()):
        name = ref["$ref"].removeprefix("#/components/headers/")
        header = spec["components"]["headers"][name]
        assert header["description"] and header["schema"]["type"] == "integer"
    assert "headers" not in spec["paths"]["/health"]["get"]["responses"]["200"]


def test_the_session_id_example_is_a_real_session_id() -> None:
    # Issued under the documentation's secret; any other secret's ids have the same shape.
    SessionIds(b"folio-docs-example", 21_600).verify(SESSION_ID_EXAMPLE, now=1_796_083_200)
    assert len(SESSION_ID_EXAMPLE) == len(SessionIds(b"x" * 32, 60).issue())
    example = _spec()["components"]["schemas"]["ChatResponse"]["examples"][0]
    assert example["session_id"] == SESSION_ID_EXAMPLE


def test_the_page_renders_every_string_as_text() -> None:
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    spec = build_spec([Operation("GET", "/x", hostile, HealthStatus, description=hostile)], title=hostile)
    html = render(spec)
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_operation_without_limits_documents_no_limit_headers() -> None:
    spec = build_spec([Operation("GET", "/y", "y", ChatResponse)])
    assert "headers" not in spec["components"]


def test_the_feedback_routes_are_documented() -> None:
    spec = _spec()
    post = spec["paths"]["/api/feedback"]["post"]
    assert set(post["responses"]) == {"202", "400", "401", "403", "404", "413", "415", "422", "429", "503"}
    assert post["responses"]["202"]["description"] == "Accepted"
    assert set(post["responses"]["202"]["headers"]) == LIMIT_HEADERS
    assert set(post["responses"]["429"]["headers"]) == {"Retry-After", *LIMIT_HEADERS}
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/FeedbackRequest")
    assert post["security"] == [{"apiKey": []}]
    schemas = spec["components"]["schemas"]
    assert schemas["FeedbackRequest"]["properties"]["rating"]["enum"] == ["up", "down"]
    example = schemas["FeedbackRequest"]["examples"][0]
    # Real ids, issued under the documentation's secret: the answer's in the example session.
    SessionIds(b"folio-docs-example", 21_600).verify_answer(
        example["answer_id"], example["session_id"], now=1_796_083_200
    )
    assert schemas["ChatResponse"]["examples"][0]["answer_id"] == example["answer_id"]
    assert "answer_id" in schemas["ChatResponse"]["required"]
    listing = spec["paths"]["/api/feedback"]["get"]
    assert listing["security"] == [{"admin": []}] and "since=7d" in listing["description"]
    page = render(spec)
    assert "op-post_api_feedback" in page and "op-get_api_feedback" in page and "<td>202</td>" in page
