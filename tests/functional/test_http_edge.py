"""What the HTTP edge answers before any route: refused CORS preflights, malformed HTTP, a request
carrying both Transfer-Encoding and Content-Length, an oversized head. Each in the error shape,
over real HTTP (raw sockets where an HTTP client would refuse to send it) and through the Lambda
handler (#10 items 8 and 9)."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from tests.support.lambdas import body_of, load_event

Serve = Any
SITE = "https://maya.example.dev"
CHAT = b"POST /api/chat HTTP/1.1\r\nHost: folio\r\nContent-Type: application/json\r\n"
BODY = json.dumps({"message": "What grade did she get in Database Internals?"}).encode()


def _raw(port: int, request: bytes) -> list[tuple[int, dict[str, str], Any]]:
    """Send bytes, read until the server closes: every response it sent, parsed."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    responses = []
    while received:
        head, _, rest = received.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        body, received = rest[:length], rest[length:]
        responses.append((int(lines[0].split()[1]), headers, json.loads(body) if body else None))
    return responses


def _assert_error_shape(headers: dict[str, str], body: Any, code: str) -> None:
    assert headers["content-type"] == "application/json", headers
    assert body["error"]["code"] == code, body
    assert body["error"]["request_id"] == headers["x-request-id"]
    assert headers["x-content-type-options"] == "nosniff" and headers["cache-control"] == "no-store"


def _preflight(origin: str, request_headers: str = "content-type") -> dict[str, str]:
    return {
        "origin": origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": request_headers,
    }


def test_refused_preflights_are_json_with_the_cors_headers(serve: Serve) -> None:
    """Was a text/plain 400 "Disallowed CORS origin"."""
    client = serve(allowed_origins=[SITE])
    other = client.options("/api/chat", headers=_preflight("https://evil.example"))
    assert other.status_code == 403
    _assert_error_shape(dict(other.headers), other.json(), "forbidden")
    assert "access-control-allow-origin" not in other.headers, "a refused origin is not told it may read"
    assert "Origin" in other.headers["vary"]

    header = client.options("/api/chat", headers=_preflight(SITE, "content-type,x-evil"))
    assert header.status_code == 400
    _assert_error_shape(dict(header.headers), header.json(), "cors_refused")
    assert (
        header.headers["access-control-allow-origin"] == SITE
        and "x-api-key" in header.headers["access-control-allow-headers"]
    )
    assert "headers" in header.json()["error"]["message"]

    allowed = client.options("/api/chat", headers=_preflight(SITE, "content-type,x-api-key"))
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == SITE


def test_refused_preflights_through_the_lambda_handler(invoke: Any) -> None:
    handler = invoke("chat", allowed_origins=[SITE])
    other = handler(load_event("chat-preflight.json", headers={"origin": "https://evil.example"}))
    assert other["statusCode"] == 403 and body_of(other)["error"]["code"] == "forbidden"
    refused = handler(load_event("chat-preflight.json", headers={"access-control-request-headers": "x-evil"}))
    headers = {k.lower(): v for k, v in refused["headers"].items()}
    assert refused["statusCode"] == 400 and body_of(refused)["error"]["code"] == "cors_refused"
    assert headers["content-type"] == "application/json" and headers["access-control-allow-origin"] == SITE


@pytest.mark.parametrize(
    "request_bytes",
    [
        CHAT + b"Content-Length: abc\r\n\r\n",
        CHAT + b"Content-Length: -1\r\n\r\n",
        CHAT + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        CHAT + b"Transfer-Encoding: gzip\r\n\r\n",
        b"HELLO\r\n\r\n",
        b"GET /health HTTP/1.1\r\n\r\n",  # HTTP/1.1 without Host
        b"GET /health\xff HTTP/1.1\r\nHost: folio\r\n\r\n",
    ],
    ids=[
        "length-not-a-number",
        "length-negative",
        "two-lengths",
        "unknown-coding",
        "no-request-line",
        "no-host",
        "raw-byte-in-target",
    ],
)
def test_malformed_http_is_answered_in_the_error_shape(serve: Serve, request_bytes: bytes) -> None:
    """uvicorn answered these itself: text/plain "Invalid HTTP request received."."""
    port = serve().base_url.port
    [(status, headers, body)] = _raw(port, request_bytes)
    assert status == 400 and headers["connection"] == "close"
    _assert_error_shape(headers, body, "bad_request")


def test_transfer_encoding_with_content_length_is_refused(serve: Serve, invoke: Any) -> None:
    """h11 reads the chunked body and would serve what follows as a second request: a proxy that
    framed it by Content-Length instead sees one (request smuggling)."""
    port = serve().base_url.port
    smuggled = b"GET /health HTTP/1.1\r\nHost: folio\r\n\r\n"
    both = CHAT + b"Content-Length: 40\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled
    responses = _raw(port, both)
    assert len(responses) == 1, "the connection is closed: nothing after the refused request is served"
    [(status, headers, body)] = responses
    assert status == 400 and headers["connection"] == "close" and "Transfer-Encoding" in body["error"]["message"]
    _assert_error_shape(headers, body, "bad_request")
    chunked = _raw(
        port,
        CHAT
        + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + f"{len(BODY):x}\r\n".encode()
        + BODY
        + b"\r\n0\r\n\r\n",
    )
    assert [status for status, _, _ in chunked] == [200], "chunked alone is fine"

    event = load_event("chat.json", headers={"transfer-encoding": "chunked"})
    response = invoke("chat")(event)
    assert response["statusCode"] == 400 and body_of(response)["error"]["code"] == "bad_request"


def test_a_head_over_the_limit_is_431_however_it_arrives(serve: Serve, invoke: Any) -> None:
    """h11's limit only bounds a head that is still incomplete: 20 KB arriving in one read was
    served. The app counts the head's bytes itself."""
    client = serve(http_max_header_bytes=8192)
    big = {"x-padding": "a" * 10_000}
    response = client.get("/health", headers=big)
    assert response.status_code == 431
    _assert_error_shape(dict(response.headers), response.json(), "headers_too_large")
    assert client.get("/health", headers={"x-padding": "a" * 4000}).status_code == 200
    # Still incomplete past the limit: h11 refuses it before the app sees it.
    incomplete = b"GET /health HTTP/1.1\r\nHost: folio\r\nX-Padding: " + b"a" * 20_000
    [(status, headers, body)] = _raw(client.base_url.port or 0, incomplete)
    assert status == 400
    _assert_error_shape(headers, body, "bad_request")

    on_lambda = invoke("chat", http_max_header_bytes=8192)(load_event("chat.json", headers=big))
    assert on_lambda["statusCode"] == 431 and body_of(on_lambda)["error"]["code"] == "headers_too_large"
