"""AWS for tests: moto's server on a free port, with the credentials boto3 needs to reach it."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from moto.server import ThreadedMotoServer

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pytest

REGION = "us-east-1"


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
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
