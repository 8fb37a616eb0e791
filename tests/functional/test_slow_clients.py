"""Slow clients against real uvicorn, with folio's server options: real sockets trickling a head or
a body, or sending nothing, are answered 408 in the error shape or closed within the deadlines,
while other clients are served meanwhile (#10 item 8)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING, Any

import httpx

from tests.support.lambdas import body_of, load_event
from tests.support.limits import NO_LIMITS

if TYPE_CHECKING:
    from collections.abc import Callable

Serve = Any
DEADLINE = 1.0
SLACK = 1.5  # scheduling on two shared cores
SLOW = {
    "http_header_timeout_seconds": DEADLINE,
    "http_body_timeout_seconds": DEADLINE,
    "http_keep_alive_seconds": 1,
    **NO_LIMITS,
}
HEAD = b"POST /api/chat HTTP/1.1\r\nHost: folio\r\nContent-Type: application/json\r\nX-Padding: " + b"a" * 200
BODY = json.dumps({"message": "What grade did she get in Database Internals?"}).encode()


async def _trickle(port: int, first: bytes, then: bytes, every: float = 0.1) -> tuple[float, bytes]:
    """Send `first` at once, then `then` a byte at a time; the seconds until the server answered or
    closed, and what it sent."""
    # The clock starts before the connection: the server's deadline cannot start earlier, while a
    # busy client loop may see the connection opened well after the server accepted it.
    started = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(first)
    received = b""

    async def read() -> None:
        nonlocal received
        while chunk := await reader.read(65536):
            received += chunk

    reading = asyncio.create_task(read())
    try:
        for byte in then:
            if reading.done():
                break
            writer.write(bytes([byte]))
            await asyncio.sleep(every)
        await asyncio.wait_for(reading, timeout=10)
    except (ConnectionError, TimeoutError):
        pass
    finally:
        writer.close()
    return time.monotonic() - started, received


def _error(raw: bytes) -> tuple[int, dict[str, str], dict[str, Any]]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(body)


def _served_meanwhile(base_url: str, slow: Callable[[], Any]) -> tuple[list[tuple[float, bytes]], list[int], float]:
    """Run the slow connections and, while they trickle, five ordinary questions."""

    async def run() -> tuple[list[tuple[float, bytes]], list[int], float]:
        tricklers = asyncio.gather(*slow())
        await asyncio.sleep(0.2)
        started = time.monotonic()
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            answers = [
                (await client.post("/api/chat", content=BODY, headers={"content-type": "application/json"}))
                for _ in range(5)
            ]
        served_in = time.monotonic() - started
        return list(await tricklers), [a.status_code for a in answers], served_in

    return asyncio.run(run())


def test_twenty_trickled_heads_get_408_within_the_deadline(serve: Serve) -> None:
    client = serve(**SLOW)
    port = client.base_url.port
    assert port is not None
    results, statuses, served_in = _served_meanwhile(
        str(client.base_url), lambda: [_trickle(port, HEAD[:20], HEAD[20:]) for _ in range(20)]
    )
    assert statuses == [200] * 5, "ordinary clients are served while twenty connections trickle"
    assert served_in < DEADLINE + SLACK
    for seconds, raw in results:
        assert DEADLINE - 0.1 <= seconds <= DEADLINE + SLACK, seconds
        status, headers, body = _error(raw)
        assert status == 408 and headers["content-type"] == "application/json" and headers["connection"] == "close"
        assert body["error"]["code"] == "request_timeout" and body["error"]["request_id"] == headers["x-request-id"]
        assert headers["x-content-type-options"] == "nosniff"


def test_twenty_trickled_bodies_get_408_in_the_error_shape(serve: Serve) -> None:
    client = serve(**SLOW)
    port = client.base_url.port
    assert port is not None
    head = HEAD + f"\r\nContent-Length: {len(BODY)}\r\n\r\n".encode()
    results, statuses, _ = _served_meanwhile(
        str(client.base_url), lambda: [_trickle(port, head, BODY, every=0.2) for _ in range(20)]
    )
    assert statuses == [200] * 5
    for seconds, raw in results:
        assert DEADLINE - 0.1 <= seconds <= DEADLINE + SLACK, seconds
        status, headers, body = _error(raw)
        assert status == 408 and headers["connection"] == "close", raw[:200]
        assert body["error"]["code"] == "request_timeout" and "body" in body["error"]["message"]
        assert headers["x-request-id"] == body["error"]["request_id"]


def test_silent_and_idle_connections_are_closed(serve: Serve) -> None:
    """Twenty connections that send nothing are closed after the head deadline without an answer;
    a connection left idle after its answer is closed after the keep-alive time."""
    client = serve(**SLOW)
    port = client.base_url.port
    assert port is not None
    request = HEAD + f"\r\nContent-Length: {len(BODY)}\r\n\r\n".encode() + BODY

    async def run() -> list[tuple[float, bytes]]:
        return list(await asyncio.gather(*(_trickle(port, b"", b"") for _ in range(20)), _trickle(port, request, b"")))

    *silent, idle = asyncio.run(run())
    for seconds, raw in silent:
        assert raw == b"" and DEADLINE - 0.1 <= seconds <= DEADLINE + SLACK, (seconds, raw)
    seconds, raw = idle
    assert raw.startswith(b"HTTP/1.1 200 ") and seconds <= 1 + SLACK, seconds


def test_a_body_deadline_does_not_misfire_on_lambda(invoke: Any) -> None:
    """A Function URL hands over the whole body at once: nothing to wait for."""
    response = invoke("chat", http_body_timeout_seconds=0.05)(load_event("chat.json"))
    assert response["statusCode"] == 200 and body_of(response)["sources"]
