"""The wiring every function shares: middleware, error handlers, the runtime, the OpenAPI route."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from folio.apidocs import docs_endpoint
from folio.http import exception_handlers, middleware
from folio.logs import configure_logging
from folio.metrics import PrometheusMetrics
from folio.openapi import Operation, build_spec, openapi_endpoint
from folio.runtime import Runtime
from folio.settings import Settings, load_settings

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence

    from starlette.requests import Request
    from starlette.routing import BaseRoute

log = logging.getLogger("folio")


def build_app(
    routes: Sequence[BaseRoute],
    operations: Sequence[Operation],
    settings: Settings | None = None,
    runtime: Runtime | None = None,
) -> Starlette:
    """A function's app. Settings come from the environment unless given; a runtime may be shared."""
    runtime = runtime or Runtime(settings or load_settings())
    s = runtime.settings
    configure_logging(s.log_level, on_lambda=s.on_lambda, library_level=s.log_library_level)
    for warning in runtime.startup_warnings():
        log.warning(warning)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # Under uvicorn: an unreachable store or a wrong password is reported now, not at the first
        # question. (Mangum runs no lifespan: on Lambda the first request finds out.)
        await runtime.check_store()
        yield
        await runtime.aclose()

    spec = build_spec(list(operations))
    extra = [
        Route("/openapi.json", openapi_endpoint(spec), methods=["GET"]),
        Route("/docs", docs_endpoint(spec), methods=["GET"]),
    ]
    if isinstance(runtime.metrics, PrometheusMetrics):
        # Internal only: the reverse proxy routes the public paths and nothing else.
        extra.append(Route("/metrics", _prometheus(runtime.metrics), methods=["GET"]))
    paths = frozenset(route.path for route in [*routes, *extra] if isinstance(route, Route))
    app = Starlette(
        routes=[*routes, *extra],
        middleware=middleware(runtime.settings, runtime.metrics, paths),
        exception_handlers=exception_handlers(),
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app


def serve(app: Starlette, settings: Settings) -> None:
    """Serve an app with uvicorn on the configured host and port until it is stopped, with
    folio's options (folio.server: deadlines for slow clients, X-Forwarded-For left to folio).

    uvicorn's own records (start-up, shutdown, errors) go through folio's JSON handler, and its
    access log is off: the app logs one line per request itself, with the request id.
    """
    import uvicorn

    from folio.server import release_free_memory, server_options

    release_free_memory()  # what the warm-up freed
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        lifespan="on",
        log_config=None,
        access_log=False,
        log_level=settings.log_level.lower(),
        **server_options(settings),
    )


def _prometheus(metrics: PrometheusMetrics) -> Any:
    async def endpoint(_request: Request) -> Response:
        return Response(metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    return endpoint
