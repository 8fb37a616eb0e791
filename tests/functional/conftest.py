from __future__ import annotations

import asyncio
import warnings
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from folio.cli import combined_app
from folio.handlers import lambda_handler
from folio.server import server_options
from tests.support.servers import UvicornServer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from folio.handlers import LambdaHandler
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
        server = UvicornServer(app, options=server_options(settings)).__enter__()
        servers.append(server)
        client = httpx.Client(base_url=server.url, timeout=30)
        clients.append(client)
        return client

    yield start
    for client in clients:
        client.close()
    for server in servers:
        server.__exit__(None, None, None)


def _lambda_event_loop() -> asyncio.AbstractEventLoop | None:
    """The thread's event loop, on which Mangum runs every invocation (it makes one when there is none)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            return asyncio.get_event_loop()
        except RuntimeError:
            return None


@pytest.fixture(autouse=True)
def _close_lambda_event_loop() -> Iterator[None]:
    """A Lambda process keeps Mangum's loop for its lifetime; a test closes it so the next starts clean."""
    yield
    loop = _lambda_event_loop()
    if loop is not None and not loop.is_running():
        loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def lambda_handlers(
    make_settings: Callable[..., Settings], make_runtime: Callable[[Settings], Runtime], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., LambdaHandler]]:
    """lambda_handlers(function, **settings) -> that function's LambdaHandler (Mangum, lifespan off).

    The test stands for a new execution environment: its first invocation is a cold start (Powertools
    keeps that flag per process).
    """
    import importlib

    from aws_lambda_powertools.logging import logger

    monkeypatch.setattr(logger, "is_cold_start", True)
    runtimes: list[Runtime] = []

    def build(function: str, **overrides: Any) -> LambdaHandler:
        settings = make_settings(**overrides)
        module = importlib.import_module(f"functions.{function}.app")
        runtimes.append(make_runtime(settings))
        return lambda_handler(module.create_app(settings, runtimes[-1]))

    yield build
    # Connections (LLM, store) were opened on Mangum's loop: closed there, before the loop is.
    loop = _lambda_event_loop()
    if loop is not None and not loop.is_closed():
        for runtime in runtimes:
            loop.run_until_complete(runtime.aclose())


@pytest.fixture
def invoke(
    lambda_handlers: Callable[..., LambdaHandler],
) -> Callable[..., Callable[[dict[str, Any]], dict[str, Any]]]:
    """invoke(function, **settings) -> that function's Lambda handler, called as Lambda calls it."""
    from tests.support.lambdas import context

    def build(function: str, **overrides: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
        handler = lambda_handlers(function, **overrides)
        return lambda event: handler(event, context(f"folio-{function}"))

    return build
