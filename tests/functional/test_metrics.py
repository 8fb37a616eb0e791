"""Metrics: Prometheus at /metrics under uvicorn, CloudWatch EMF lines on Lambda."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tests.support.lambdas import load_event

if TYPE_CHECKING:
    import pytest

Serve = Any
ANSWERABLE = "What grade did she get in Database Internals?"
UNANSWERABLE = "What is her favourite colour?"


def test_prometheus_metrics_count_requests_answers_and_refusals(serve: Serve) -> None:
    client = serve(ip_burst_per_minute=3)
    for message in [ANSWERABLE, ANSWERABLE, UNANSWERABLE, ANSWERABLE]:
        client.post("/api/chat", json={"message": message})
    client.get("/nope")
    text = client.get("/metrics").text
    assert 'folio_requests_total{route="/api/chat",status="2xx"} 3.0' in text
    assert 'folio_requests_total{route="/api/chat",status="4xx"} 1.0' in text
    assert 'folio_requests_total{route="other",status="4xx"} 1.0' in text
    assert 'folio_request_seconds_count{route="/api/chat"} 4.0' in text
    assert 'folio_request_seconds_bucket{le="10.0",route="/api/chat"} 4.0' in text, "each took under 10 s"
    assert 'folio_answers_total{cached="false",grounded="true",provider="extractive"} 2.0' in text
    assert 'folio_answers_total{cached="false",grounded="false",provider="none"} 1.0' in text
    assert "folio_refusals_total 1.0" in text
    assert 'folio_rate_limited_total{rule="ip_burst"} 1.0' in text
    assert "folio_store_fallbacks_total 0.0" in text and "folio_budget_used_ratio" in text
    assert "/metrics" not in client.get("/openapi.json").json()["paths"], "internal, not part of the public API"


def test_lambda_emits_emf_with_a_cold_start(invoke: Any, capsys: pytest.CaptureFixture[str]) -> None:
    handler = invoke("chat", lambda_function_name="folio-chat", ip_sessions_per_window=10)
    capsys.readouterr()
    assert handler(load_event("chat.json"))["statusCode"] == 200
    assert handler(load_event("warmup.json"))["ok"] is True
    refused = handler(load_event("chat.json", body=json.dumps({"message": UNANSWERABLE})))
    assert refused["statusCode"] == 200
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]
    assert len(lines) == 2, "one flush per chat invocation; nothing for the empty warm-up"
    names = [{m["Name"] for m in line["_aws"]["CloudWatchMetrics"][0]["Metrics"]} for line in lines]
    assert {"cold_starts", "answers_extractive", "requests_2xx", "request_seconds"} <= names[0]
    assert "refusals" not in names[0] and "cold_starts" not in names[1]
    assert {"refusals", "answers_none", "requests_2xx"} <= names[1]
    assert lines[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Folio"
