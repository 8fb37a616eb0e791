"""Every dashboard panel and alert rule queries a metric the code really emits."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from folio.metrics import DEFINITIONS

MONITORING = Path(__file__).resolve().parents[2] / "infra" / "monitoring"


def _emitted() -> set[str]:
    names = set()
    for name, (kind, _, _) in DEFINITIONS.items():
        base = f"folio_{name}"
        names |= {f"{base}_total"} if kind == "counter" else set()
        names |= {f"{base}_bucket", f"{base}_sum", f"{base}_count"} if kind == "histogram" else set()
        names |= {base} if kind == "gauge" else set()
    return names


def _metrics_in(expression: str) -> set[str]:
    return set(re.findall(r"\bfolio_[a-z_]+", expression))


def test_dashboard_panels_query_emitted_metrics() -> None:
    dashboard = json.loads((MONITORING / "grafana" / "dashboards" / "folio.json").read_text())
    queries = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    assert len(queries) >= 8
    for query in queries:
        used = _metrics_in(query)
        assert used and used <= _emitted(), query


def test_alert_rules_query_emitted_metrics_and_cover_the_failures_that_matter() -> None:
    rules = yaml.safe_load((MONITORING / "alerts.yml").read_text())["groups"][0]["rules"]
    for rule in rules:
        used = _metrics_in(rule["expr"])
        assert used and used <= _emitted(), rule["alert"]
    names = {rule["alert"] for rule in rules}
    assert {
        "FolioHighErrorRate",
        "FolioSlowLLM",
        "FolioLLMFailing",
        "FolioBudgetNearlySpent",
        "FolioRedisDown",
    } <= names


def test_prometheus_scrapes_the_three_functions() -> None:
    config = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
    targets = config["scrape_configs"][0]["static_configs"][0]["targets"]
    assert sorted(targets) == ["chat:8080", "health:8080", "ingest:8080"]
