"""The compose stack, checked on the file itself (scripts/validate_compose.py runs a compose binary)."""

from __future__ import annotations

import ipaddress
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "infra" / "compose-local.yml"
APPS = ("chat", "health", "ingest")


def _stack() -> dict[str, Any]:
    stack: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return stack


def _flag(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_redis_requires_a_password_persists_and_never_evicts() -> None:
    command = _stack()["services"]["redis"]["command"]
    assert _flag(command, "--requirepass").startswith("${REDIS_PASSWORD:?")
    assert _flag(command, "--appendonly") == "yes"
    assert _flag(command, "--maxmemory-policy") == "noeviction"


def test_only_the_proxy_publishes_public_ports() -> None:
    services = _stack()["services"]
    public = {
        name
        for name, service in services.items()
        for port in service.get("ports", [])
        if not str(port).startswith("127.0.0.1:")
    }
    assert public == {"caddy"}
    assert {port.split(":")[0] for port in services["caddy"]["ports"]} == {"80", "443"}
    networks = _stack()["networks"]
    assert networks["backend"]["internal"] is True
    assert services["redis"]["networks"] == ["backend"]


def test_apps_run_the_image_with_healthchecks_limits_and_required_secrets() -> None:
    services = _stack()["services"]
    for name in APPS:
        service = services[name]
        assert service["command"] == [name]
        assert service["image"].startswith("${FOLIO_IMAGE")
        assert service["healthcheck"]["test"] and service["restart"] == "unless-stopped"
        assert service["deploy"]["resources"]["limits"]["memory"]
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
        env = service["environment"]
        for secret in ("FOLIO_ADMIN_KEY", "FOLIO_SESSION_SECRET", "FOLIO_ALLOWED_ORIGINS"):
            assert env[secret].startswith("${" + secret + ":?"), secret
        assert env["FOLIO_API_KEYS"] == "${FOLIO_API_KEYS:-}", "no keys is public mode"
        assert env["FOLIO_ENV"] == "production"
        assert service["user"] == "10001:10001" and service["read_only"] is True
    assert all(services["caddy"]["depends_on"][name]["condition"] == "service_healthy" for name in APPS)


def test_the_index_volume_is_mounted_where_the_image_gives_it_to_the_service_user() -> None:
    """A new named volume takes the owner of its mount point in the image: ingest (user 10001)
    can write the index only if the Dockerfile made that directory its own."""
    services = _stack()["services"]
    mounts = {name: [v for v in services[name]["volumes"] if v.startswith("index:")] for name in APPS}
    assert mounts == {
        "chat": ["index:/data/index:ro"],
        "health": ["index:/data/index:ro"],
        "ingest": ["index:/data/index"],
    }
    assert {services[name]["environment"]["FOLIO_INDEX_URI"] for name in APPS} == {"/data/index"}
    assert "install -d -o 10001 -g 10001 /data/index" in (ROOT / "Dockerfile").read_text()


def test_the_trusted_proxy_is_exactly_the_edge_network_caddy_lives_on() -> None:
    stack = _stack()
    subnet = ipaddress.ip_network(stack["networks"]["edge"]["ipam"]["config"][0]["subnet"])
    trusted = ipaddress.ip_network(stack["services"]["chat"]["environment"]["FOLIO_TRUSTED_PROXIES"])
    assert trusted == subnet
    assert ipaddress.ip_address(stack["services"]["caddy"]["networks"]["edge"]["ipv4_address"]) in subnet


def test_caddy_routes_only_the_public_routes() -> None:
    caddyfile = (ROOT / "infra" / "Caddyfile").read_text()
    public = (
        ("/api/chat", "chat"),
        ("/api/feedback", "chat"),
        ("/health*", "health"),
        ("/api/ingest", "ingest"),
        ("/docs", "chat"),
        ("/widget.js", "chat"),
        ("/demo", "chat"),
    )
    for route, upstream in public:
        assert f"handle {route} {{\n\t\treverse_proxy {upstream}:8080" in caddyfile
    assert "respond" in caddyfile and "404" in caddyfile
    assert "/metrics" not in caddyfile, "metrics stay on the internal network"


def test_caddy_neither_buffers_nor_compresses_a_streamed_answer() -> None:
    caddyfile = (ROOT / "infra" / "Caddyfile").read_text()
    chat = caddyfile.split("handle /api/chat {", 1)[1].split("\n\t}", 1)[0]
    assert "flush_interval -1" in chat
    encode = caddyfile.split("encode", 1)[1].split("\n\t}", 1)[0]
    assert "match {" in encode, "a bare encode compresses text/* and so text/event-stream"
    types = [line.split()[-1] for line in encode.splitlines() if line.strip().startswith("header Content-Type")]
    assert "application/json*" in types
    assert not any(t.startswith(("text/*", "text/event-stream", "*")) for t in types), types


def test_production_env_template_lists_every_required_variable() -> None:
    template = (ROOT / ".env.production.template").read_text()
    declared = {line.split("=", 1)[0] for line in template.splitlines() if "=" in line and not line.startswith("#")}
    required = set()
    for service in _stack()["services"].values():
        values = list((service.get("environment") or {}).values()) + [str(v) for v in service.get("command", [])]
        required |= {v.split("${", 1)[1].split(":?", 1)[0] for v in map(str, values) if ":?" in v}
    assert required and required <= declared


def test_the_stacks_alertmanager_is_where_prometheus_sends_alerts_and_is_not_public() -> None:
    services = _stack()["services"]
    manager = services["alertmanager"]
    assert manager["profiles"] == ["monitoring"]
    assert "./monitoring/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro" in manager["volumes"]
    assert manager["ports"] == ["127.0.0.1:9093:9093"]
    assert "backend" in manager["networks"], "Prometheus (backend only) must reach it"
    assert "alertmanager" in services["prometheus"]["depends_on"]


def _validate_without_programs(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """scripts/validate_compose.py on a PATH holding none of docker-compose, promtool, amtool."""
    empty = tmp_path / "bin"
    empty.mkdir()
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "validate_compose.py")],
        env={"PATH": str(empty), **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_missing_validator_fails_the_run_under_ci(tmp_path: Path) -> None:
    done = _validate_without_programs(tmp_path, CI="true")
    assert done.returncode == 1
    for program, package in (
        ("promtool", "prometheus"),
        ("amtool", "prometheus-alertmanager"),
        ("docker-compose", "docker-compose"),
    ):
        assert f"no {program} on this machine, and CI=true requires it (apt-get install {package})" in done.stderr


def test_a_missing_validator_is_skipped_out_loud_elsewhere(tmp_path: Path) -> None:
    done = _validate_without_programs(tmp_path)
    assert done.returncode == 0
    assert done.stdout.count("SKIPPED") == 3 and "under CI=true this fails" in done.stdout


def test_caddy_bounds_slow_clients_in_front_of_folio() -> None:
    """Caddy's defaults have no read timeouts at all (#10 item 8)."""
    caddyfile = (ROOT / "infra" / "Caddyfile").read_text()
    global_options = caddyfile[caddyfile.index("\n{\n") : caddyfile.index("{$SITE_DOMAIN}")]
    for option in ("read_header 10s", "read_body 20s", "idle 2m", "max_header_size 16KB"):
        assert option in global_options, option
    assert "write" not in global_options, "a write timeout would cut answers a slow LLM is still writing"
