"""`folio serve` as a real process: what `make run` starts, answering the README's curl."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.support.processes import clean_environ, free_port, stop, wait_until_answering

if TYPE_CHECKING:
    from pathlib import Path

    from folio.embeddings import Embedder

pytestmark = pytest.mark.e2e


def _serve(
    index: Path, cwd: Path, env: dict[str, str], ready: str = "/health/ready"
) -> tuple[subprocess.Popen[str], str]:
    """`folio serve` on a free port, once `ready` answers; and its URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "folio.cli", "serve", "--index", str(index), "--port", str(port)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(process, f"{url}{ready}")
    except BaseException:
        stop(process)
        raise
    return process, url


def test_serve_answers_the_readme_question(sample_index: Path, tmp_path: Path) -> None:
    process, url = _serve(sample_index, tmp_path, clean_environ())
    try:
        response = httpx.post(f"{url}/api/chat", json={"message": "Which certifications does Maya hold?"}, timeout=30)
        body = response.json()
        assert response.status_code == 200 and body["grounded"] and body["sources"]
        assert "[1]" in body["answer"]
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=15)
    # uvicorn shuts down gracefully, then re-raises the SIGTERM it caught (hence -15).
    assert process.returncode in (0, -15), stderr
    assert "Application shutdown complete" in stderr and "Traceback" not in stderr


def test_serve_starts_when_the_optional_secrets_parameters_do_not_exist(sample_index: Path, tmp_path: Path) -> None:
    """Off Lambda too: names of SSM parameters nobody created are "not configured", not a crash."""
    from moto.server import ThreadedMotoServer

    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, moto_port = moto.get_host_and_port()
    env = clean_environ(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL=f"http://{host}:{moto_port}",
        FOLIO_SECRETS_GROQ_API_KEY_PARAMETER="/folio/groq-api-key",
        FOLIO_SECRETS_UPSTASH_REDIS_REST_URL_PARAMETER="/folio/upstash-redis-rest-url",
        FOLIO_SECRETS_UPSTASH_REDIS_REST_TOKEN_PARAMETER="/folio/upstash-redis-rest-token",
    )
    process, url = _serve(sample_index, tmp_path, env)
    try:
        question = {"message": "Which certifications does Maya hold?"}
        for _ in range(2):
            response = httpx.post(f"{url}/api/chat", json=question, timeout=30)
            assert response.status_code == 200, response.text
            assert response.json()["provider"] == "extractive"
    finally:
        _, stderr = stop(process)
        moto.stop()
    assert "Traceback" not in stderr and "secret unavailable" not in stderr, stderr
    assert stderr.count("optional secret not configured") == 3, stderr


def test_serve_on_an_index_another_model_embedded_says_so_at_start(
    tmp_path: Path, embedder: Embedder, other_embedder: Embedder
) -> None:
    """The operator's terminal names both models and the command; the port answers 503 meanwhile."""
    from folio.index import OTHER_MODEL, Index
    from folio.ingest import run_ingest
    from tests.conftest import DATA

    index = tmp_path / "index"
    run_ingest(DATA / "kb_alt", Index(str(index)), other_embedder)
    process, url = _serve(index, tmp_path, clean_environ(), ready="/health/live")
    try:
        response = httpx.get(f"{url}/health/ready", timeout=30)
        assert response.status_code == 503 and response.json()["error"]["message"] == f"index: {OTHER_MODEL}"
        response = httpx.post(f"{url}/api/chat", json={"message": "What does Rafael work on?"}, timeout=30)
        assert response.status_code == 503 and str(index) not in response.text
    finally:
        _, stderr = stop(process)
    (line,) = [line for line in stderr.splitlines() if line.startswith("folio: not ready yet")]
    assert OTHER_MODEL in line and "/health/ready will say so" in line
    assert f"embedded by {other_embedder.identity}; this folio embeds with {embedder.identity}" in line
