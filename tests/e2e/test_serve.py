"""`folio serve` as a real process: what `make run` starts, answering the README's curl."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_the_readme_question(sample_index: Path, tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FOLIO_", "GROQ_", "OLLAMA_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "folio.cli", "serve", "--index", str(sample_index), "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "folio serve did not become ready"
            time.sleep(0.2)
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
