"""Every dashboard panel and alert rule queries a metric the code really emits."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import yaml

from folio.metrics import DEFINITIONS
from tests.support.tools import require

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
    assert any("folio_feedback_total" in query for query in queries), "feedback by rating has its panel"
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


def _alerts() -> set[str]:
    rules = yaml.safe_load((MONITORING / "alerts.yml").read_text())["groups"][0]["rules"]
    return {rule["alert"] for rule in rules}


def test_every_alert_has_a_test_that_makes_it_fire_and_one_where_it_stays_quiet() -> None:
    """#10 item 16: a test expecting no alert on no data cannot fail."""
    tests = yaml.safe_load((MONITORING / "alerts_test.yml").read_text())
    assert tests["rule_files"] == ["alerts.yml"]
    fired: set[str] = set()
    quiet: set[str] = set()
    for case in tests["tests"]:
        assert case["input_series"], "every test feeds data"
        for check in case["alert_rule_test"]:
            (fired if check["exp_alerts"] else quiet).add(check["alertname"])
    assert fired == _alerts(), "an alert with no test that makes it fire"
    assert quiet == _alerts(), "an alert with no test on healthy traffic"


def test_promtool_checks_the_rules_and_runs_their_tests() -> None:
    promtool = require("promtool")
    for args in (["check", "rules", "alerts.yml"], ["test", "rules", "alerts_test.yml"]):
        done = subprocess.run([promtool, *args], cwd=MONITORING, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout


def test_prometheus_sends_the_alerts_to_an_alertmanager_that_amtool_accepts() -> None:
    config = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
    assert config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"] == ["alertmanager:9093"]
    manager = yaml.safe_load((MONITORING / "alertmanager.yml").read_text())
    receivers = {receiver["name"] for receiver in manager["receivers"]}
    assert manager["route"]["receiver"] in receivers
    assert {route["receiver"] for route in manager["route"].get("routes", [])} <= receivers
    amtool = require("amtool")
    done = subprocess.run(
        [amtool, "check-config", "alertmanager.yml"], cwd=MONITORING, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and "SUCCESS" in done.stdout, done.stdout + done.stderr
