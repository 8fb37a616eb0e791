"""scripts/pre_deployment_check.sh says "ready to deploy" only when every step ran and passed (#10 item 16).

`make test` and pip-audit are the script's own commands for two steps; MAKE and PIP_AUDIT stand
them in here (`true`, `false`, a script printing pip-audit's "could not be audited"), since the
real ones take minutes and pip-audit's database is out of reach from these machines.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from tests.support.aws import moto_server
from tests.support.processes import clean_environ, free_port

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "pre_deployment_check.sh"
REQUIRED = {
    "SITE_DOMAIN": "api.example.dev",
    "REDIS_PASSWORD": "a-redis-password-0123",
    "FOLIO_API_KEYS": "a-site-key-0123456789",
    "FOLIO_ADMIN_KEY": "an-admin-key-0123456789",
    "FOLIO_SESSION_SECRET": "s" * 40,
    "FOLIO_ALLOWED_ORIGINS": "https://maya.example.dev",
}
PASSING = {"MAKE": "true", "PIP_AUDIT": "true"}


def _check(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), *args], env=clean_environ(**env), capture_output=True, text=True, check=False, timeout=120
    )


def _env_file(tmp_path: Path, **values: str) -> str:
    path = tmp_path / ".env.production"
    path.write_text("".join(f"{name}={value}\n" for name, value in values.items()))
    return str(path)


def _verdict(done: subprocess.CompletedProcess[str]) -> list[str]:
    """The lines from the verdict on."""
    lines = done.stdout.splitlines()
    return lines[lines.index(next(line for line in lines if "ready to deploy" in line.lower())) :]


def test_every_step_run_and_passed_is_ready(tmp_path: Path) -> None:
    done = _check(_env_file(tmp_path, **REQUIRED), **PASSING)
    assert done.returncode == 0, done.stdout
    assert _verdict(done) == ["ready to deploy"]


def test_skipped_steps_are_not_ready_and_named(tmp_path: Path) -> None:
    # GIVEN the tests and the audit skipped, and no env file: nothing failed, nothing was checked
    done = _check(str(tmp_path / "absent.env"), SKIP_TESTS="1", SKIP_AUDIT="1")
    assert done.returncode == 1
    assert _verdict(done) == [
        "NOT READY to deploy",
        "  not checked: make test (SKIP_TESTS=1)",
        f"  not checked: required settings (no {tmp_path / 'absent.env'}; for AWS run with --lambda)",
        "  not checked: dependency audit (SKIP_AUDIT=1)",
    ]


def test_an_audit_that_could_not_reach_its_database_is_not_a_pass(tmp_path: Path) -> None:
    unreachable = tmp_path / "pip-audit"
    unreachable.write_text("#!/bin/sh\necho 'requests: could not be audited (connection refused)'\n")
    unreachable.chmod(0o755)
    done = _check(_env_file(tmp_path, **REQUIRED), MAKE="true", PIP_AUDIT=str(unreachable))
    assert done.returncode == 1
    assert _verdict(done)[0] == "NOT READY to deploy"
    assert "not checked: dependency audit (pip-audit cannot reach its vulnerability database" in done.stdout


@pytest.mark.parametrize("broken", ["tests", "settings", "audit"])
def test_a_failing_step_is_not_ready(tmp_path: Path, broken: str) -> None:
    values = {name: value for name, value in REQUIRED.items() if broken != "settings" or name != "FOLIO_API_KEYS"}
    env = {"MAKE": "false" if broken == "tests" else "true", "PIP_AUDIT": "false" if broken == "audit" else "true"}
    done = _check(_env_file(tmp_path, **values), **env)
    assert done.returncode == 1
    expected = {
        "tests": "  failed: make test (see /tmp/folio-pre-deploy.log)",
        "settings": f"  failed: FOLIO_API_KEYS is missing or empty in {tmp_path / '.env.production'}",
        "audit": "  failed: pip-audit reports vulnerable dependencies",
    }[broken]
    assert _verdict(done) == ["NOT READY to deploy", expected]


@pytest.fixture
def ssm() -> Iterator[tuple[str, Any]]:
    with moto_server() as endpoint:
        client = boto3.client(
            "ssm", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t"
        )
        yield endpoint, client


def _aws(endpoint: str) -> dict[str, str]:
    return {
        "AWS_ACCESS_KEY_ID": "t",
        "AWS_SECRET_ACCESS_KEY": "t",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_MAX_ATTEMPTS": "1",
    }


def test_lambda_checks_the_required_ssm_parameters_instead_of_an_env_file(ssm: tuple[str, Any]) -> None:
    endpoint, client = ssm
    for name in ("/folio/api-keys", "/folio/admin-key"):
        client.put_parameter(Name=name, Value="v" * 32, Type="SecureString")
    missing = _check("--lambda", **PASSING, **_aws(endpoint))
    assert missing.returncode == 1 and "missing: /folio/session-secret" in missing.stdout
    assert _verdict(missing) == [
        "NOT READY to deploy",
        "  failed: required SSM parameters are missing (README: Deployment)",
    ]
    client.put_parameter(Name="/folio/session-secret", Value="v" * 64, Type="SecureString")
    ready = _check("--lambda", **PASSING, **_aws(endpoint))
    assert ready.returncode == 0 and _verdict(ready) == ["ready to deploy"], ready.stdout
    assert "groq" not in ready.stdout and "upstash" not in ready.stdout, "optional secrets are not required"


def test_lambda_with_ssm_out_of_reach_is_not_ready() -> None:
    done = _check("--lambda", **PASSING, **_aws(f"http://127.0.0.1:{free_port()}"))
    assert done.returncode == 1
    assert _verdict(done) == ["NOT READY to deploy", "  not checked: required SSM parameters (SSM could not be asked)"]
