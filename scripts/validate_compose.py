"""Validate infra/compose-local.yml with a real compose binary, and its alert rules with promtool, offline.

`docker compose config` (or the standalone `docker-compose`) checks the schema and interpolation
without a Docker engine. Run once with every required variable set (must pass) and once with none
(must fail, naming a missing variable: the `${VAR:?…}` guards work).

The alert rules are checked and unit-tested (infra/monitoring/alerts_test.yml) with promtool.

    python scripts/validate_compose.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "infra" / "compose-local.yml"
MONITORING = ROOT / "infra" / "monitoring"
REQUIRED = {
    "SITE_DOMAIN": "api.example.dev",
    "REDIS_PASSWORD": "a-redis-password",
    "FOLIO_API_KEYS": "a-site-key-0123456789",
    "FOLIO_ADMIN_KEY": "an-admin-key-0123456789",
    "FOLIO_SESSION_SECRET": "s" * 40,
    "FOLIO_ALLOWED_ORIGINS": "https://example.dev",
}


def _compose() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    return None


def _config(compose: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    with tempfile.NamedTemporaryFile("w", suffix=".env") as env_file:
        env_file.write("".join(f"{k}={v}\n" for k, v in env.items()))
        env_file.flush()
        clean = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": tempfile.gettempdir()}
        return subprocess.run(
            [*compose, "-f", str(COMPOSE), "--env-file", env_file.name, "config", "-q"],
            capture_output=True,
            text=True,
            env=clean,
            check=False,
        )


def _promtool() -> int:
    if shutil.which("promtool") is None:
        sys.stdout.write("SKIPPED alert rules: no promtool on this machine\n")
        return 0
    for args in (["check", "rules", "alerts.yml"], ["test", "rules", "alerts_test.yml"]):
        done = subprocess.run(["promtool", *args], cwd=MONITORING, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.stderr.write(f"FAIL promtool {' '.join(args)}:\n{done.stdout}{done.stderr}")
            return 1
    sys.stdout.write("OK alert rules: promtool check and unit tests pass\n")
    return 0


def main() -> int:
    if _promtool() != 0:
        return 1
    compose = _compose()
    if compose is None:
        sys.stdout.write("SKIPPED compose validation: no docker compose / docker-compose binary on this machine\n")
        return 0
    complete = _config(compose, REQUIRED)
    if complete.returncode != 0:
        sys.stderr.write(f"FAIL {COMPOSE.name} with every required variable set:\n{complete.stderr}")
        return 1
    missing = _config(compose, {})
    if missing.returncode == 0 or not any(name in missing.stderr for name in REQUIRED):
        sys.stderr.write(f"FAIL {COMPOSE.name} started without its required secrets:\n{missing.stderr}")
        return 1
    sys.stdout.write(f"OK {COMPOSE.name}: valid for {' '.join(compose)}; refuses to start without its secrets\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
