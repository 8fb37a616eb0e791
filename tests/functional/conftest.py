from __future__ import annotations

import asyncio
import warnings
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from folio.cli import combined_app
from folio.handlers import lambda_handler
from tests.support.servers import UvicornServer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from folio.runtime import Runtime
    from folio.settings import Settings


@pytest.fixture
def serve(
    make_settings: Callable[..., Settings], make_runtime: Callable[[Settings], Runtime]
) -> Iterator[Callable[..., httpx.Client]]:
    """serve(**settings) -> an httpx client talking to chat+health+ingest over real uvicorn."""
    servers: list[UvicornServer] = []
    clients: list[httpx.Client] = []

    def start(**overrides: Any) -> httpx.Client:
        settings = make_settings(**overrides)
        app = combined_app(settings, make_runtime(settings))
        server = UvicornServer(app).__enter__()
        servers.append(server)
        client = httpx.Client(base_url=server.url, timeout=30)
        clients.append(client)
        return client

    yield start
    for client in clients:
        client.close()
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _close_lambda_event_loop() -> Iterator[None]:
    """Mangum runs every invocation on the thread's event loop, creating one when there is none.

    A Lambda process keeps that loop for its lifetime; a test closes it so the next test starts clean.
    """
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            loop = asyncio.get_event_loop()
        except RuntimeError:
            return
    if not loop.is_running():
        loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def invoke(
    make_settings: Callable[..., Settings], make_runtime: Callable[[Settings], Runtime]
) -> Callable[..., Callable[[dict[str, Any]], dict[str, Any]]]:
    """invoke(function, **settings) -> that function's Lambda handler (Mangum, lifespan off)."""
    import importlib

    def build(function: str, **overrides: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
        settings = make_settings(**overrides)
        module = importlib.import_module(f"functions.{function}.app")
        handler = lambda_handler(module.create_app(settings, make_runtime(settings)))
        from tests.support.lambdas import context

        return lambda event: handler(event, context(f"folio-{function}"))

    return build
