"""What the service counts: requests, answers by provider, refusals, LLM latency and tokens, feedback.

On a VPS the numbers are Prometheus metrics served at `/metrics` (on the internal network only:
the proxy does not route it). On Lambda they are CloudWatch EMF lines through Powertools Metrics,
flushed after every invocation, with a cold-start count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from folio.logs import SERVICE

if TYPE_CHECKING:
    from folio.settings import Settings

# name: (kind, help, label names)
DEFINITIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "requests": ("counter", "HTTP requests by route and status class", ("route", "status")),
    "request_seconds": ("histogram", "Time from a request's arrival to its response", ("route",)),
    "answers": ("counter", "Chat answers by provider", ("provider", "grounded", "cached")),
    "refusals": ("counter", "Questions answered as not covered by the documents", ()),
    "rate_limited": ("counter", "Requests refused by a rate limit", ("rule",)),
    "llm_seconds": ("histogram", "Latency of successful LLM calls", ("provider",)),
    "llm_tokens": ("counter", "LLM tokens used (prompt + completion)", ("provider",)),
    "llm_failures": ("counter", "LLM calls that failed over to the next provider", ("provider",)),
    "llm_skipped": ("counter", "LLM calls skipped because the provider's circuit breaker was open", ("provider",)),
    "llm_breaker_open": ("gauge", "1 while the provider's circuit breaker is open in this process", ("provider",)),
    "store_fallbacks": ("counter", "Store calls served from memory while the store was unreachable", ()),
    "feedback": ("counter", "Visitors' feedback on answers by rating (a replacement counts again)", ("rating",)),
    "budget_used_ratio": ("gauge", "Share of today's LLM call budget used, as last seen", ()),
}


class Metrics(Protocol):
    def count(self, name: str, value: float = 1.0, **labels: str) -> None: ...

    def observe(self, name: str, value: float, **labels: str) -> None: ...

    def gauge(self, name: str, value: float, **labels: str) -> None: ...


class PrometheusMetrics:
    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        kinds = {"counter": Counter, "histogram": Histogram, "gauge": Gauge}
        self.registry = CollectorRegistry()
        self._metrics: dict[str, Any] = {}
        for name, (kind, doc, labels) in DEFINITIONS.items():
            self._metrics[name] = kinds[kind](f"folio_{name}", doc, labels, registry=self.registry)

    def count(self, name: str, value: float = 1.0, **labels: str) -> None:
        metric = self._metrics[name]
        (metric.labels(**labels) if labels else metric).inc(value)

    def observe(self, name: str, value: float, **labels: str) -> None:
        metric = self._metrics[name]
        (metric.labels(**labels) if labels else metric).observe(value)

    def gauge(self, name: str, value: float, **labels: str) -> None:
        metric = self._metrics[name]
        (metric.labels(**labels) if labels else metric).set(value)

    def render(self) -> bytes:
        from prometheus_client import generate_latest

        body: bytes = generate_latest(self.registry)
        return body


class EmfMetrics:
    """CloudWatch Embedded Metric Format through Powertools: one metric per name and label value."""

    def __init__(self, namespace: str, service: str) -> None:
        from aws_lambda_powertools import Metrics as PowertoolsMetrics

        self._metrics = PowertoolsMetrics(namespace=namespace, service=service)

    def count(self, name: str, value: float = 1.0, **labels: str) -> None:
        from aws_lambda_powertools.metrics import MetricUnit

        self._metrics.add_metric(name=_emf_name(name, labels), unit=MetricUnit.Count, value=value)

    def observe(self, name: str, value: float, **labels: str) -> None:
        from aws_lambda_powertools.metrics import MetricUnit

        self._metrics.add_metric(name=_emf_name(name, labels), unit=MetricUnit.Seconds, value=value)

    def gauge(self, name: str, value: float, **labels: str) -> None:
        from aws_lambda_powertools.metrics import MetricUnit

        self._metrics.add_metric(name=_emf_name(name, labels), unit=MetricUnit.NoUnit, value=value)

    def flush(self, *, cold_start: bool) -> None:
        """After each invocation; the first of the process also records the cold start."""
        if cold_start:
            self.count("cold_starts")
        if self._metrics.provider.metric_set:  # Powertools warns on an empty flush (a warm-up ping)
            self._metrics.flush_metrics()


def _emf_name(name: str, labels: dict[str, str]) -> str:
    # EMF dimensions are shared by all metrics of a flush: label values go into the name instead.
    wanted = [labels[key] for key in ("provider", "rule", "status", "rating") if key in labels]
    return "_".join([name, *wanted])


def build_metrics(settings: Settings) -> PrometheusMetrics | EmfMetrics:
    if settings.on_lambda:
        return EmfMetrics(settings.metrics_namespace, SERVICE)
    return PrometheusMetrics()
