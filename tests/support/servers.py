"""Serve an ASGI app with real uvicorn on a free loopback port, in a background thread."""

from __future__ import annotations

import socket
import threading
import time
from typing import TYPE_CHECKING, Any, Literal, Self

import uvicorn

if TYPE_CHECKING:
    from types import TracebackType

    from starlette.types import ASGIApp


class UvicornServer:
    """Also the base of the protocol fakes in tests/fakes. `stopping` is set when stop() begins,
    so a handler that is deliberately hanging can end at once.

    `host` is a loopback address: `127.0.0.1`, `::1`, or `::ffff:127.0.0.1` (an IPv6 socket
    that IPv4 clients reach at 127.0.0.1, as a dual-stack server sees them)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        lifespan: Literal["on", "off"] = "on",
        name: str = "uvicorn",
        startup_timeout: float = 10.0,
        host: str = "127.0.0.1",
        options: dict[str, Any] | None = None,
    ) -> None:
        self.app = app
        self.host = host
        self.options = {"proxy_headers": False, **(options or {})}
        self.stopping = threading.Event()
        self._lifespan_mode = lifespan
        self._name = name
        self._startup_timeout = startup_timeout
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError(f"{self._name} is not started")
        return self._port

    @property
    def url(self) -> str:
        if self.host == "::1":
            return f"http://[::1]:{self.port}"
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Self:
        if self._thread is not None:
            raise RuntimeError(f"{self._name} is already started")
        self.stopping.clear()
        # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted connections only when the listening
        # socket says so; with proto 0 every keep-alive response waits ~40 ms for a delayed ACK.
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0 if self.host.startswith("::ffff:") else 1)
        sock.bind((self.host, 0))
        self._port = int(sock.getsockname()[1])
        # X-Forwarded-For is folio's to judge (FOLIO_TRUSTED_PROXIES), not uvicorn's; folio's apps are
        # served with folio.server.server_options, as `folio serve` runs them.
        config = uvicorn.Config(
            self.app,
            lifespan=self._lifespan_mode,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=1,
            **self.options,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=self._name, daemon=True)
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + self._startup_timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                sock.close()
                raise RuntimeError(f"{self._name} did not start")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self.stopping.set()
        server.should_exit = True
        thread.join(timeout)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()
