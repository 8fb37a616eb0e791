"""`folio serve` as a real process: what `make run` starts, answering the README's curl."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.support.processes import clean_environ, free_port, wait_until_answering

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.e2e


def test_serve_answers_the_readme_question(sample_index: Path, tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "folio.cli", "serve", "--index", str(sample_index), "--port", str(port)],
        cwd=tmp_path,
        env=clean_environ(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_answering(process, f"{url}/health/ready")
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
