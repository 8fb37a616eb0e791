"""For tests that start processes: a free local port, an environment free of this shell's folio
settings, waiting until a server answers, and stopping it."""

from __future__ import annotations

import os
import socket
import subprocess
import time

import httpx

# Variables that configure folio, its AWS clients or the Lambda runtime client.
FOREIGN_VARIABLES = ("FOLIO_", "GROQ_", "OLLAMA_", "AWS_", "REDIS_", "UPSTASH_", "_LAMBDA_")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_environ(**extra: str) -> dict[str, str]:
    """This process's environment without folio's settings, plus `extra`."""
    return {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN_VARIABLES)} | extra


def wait_until_answering(process: subprocess.Popen[str], url: str, timeout: float = 60) -> None:
    """Poll `url` until it answers 200; fail at once if the process exits first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, f"{url} did not answer"
        time.sleep(0.2)


def stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    """Terminate (kill after 15 s) and return stdout and stderr."""
    if process.poll() is None:
        process.terminate()
    try:
        return process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()
