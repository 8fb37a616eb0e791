"""AWS for tests: moto's server on a free port, with the credentials boto3 needs to reach it."""

from __future__ import annotations

import urllib.request
from contextlib import contextmanager
from typing import TYPE_CHECKING

from moto.server import ThreadedMotoServer

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pytest

REGION = "us-east-1"


@contextmanager
def moto_server() -> Iterator[str]:
    """A moto server on a free port, its state reset: moto's backends live in the process, shared
    by every server and mock it starts, so what an earlier test created (an SSM parameter of the
    same name) must not be there. Yields its endpoint URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10).close()
        yield endpoint
    finally:
        server.stop()


@contextmanager
def moto_endpoint(monkeypatch: pytest.MonkeyPatch, region: str = REGION) -> Iterator[str]:
    """The endpoint URL of a fresh moto server; the AWS_* variables point boto3 at fake credentials."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
    }.items():
        monkeypatch.setenv(name, value)
    with moto_server() as endpoint:
        yield endpoint
