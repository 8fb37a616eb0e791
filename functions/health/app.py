"""Health: liveness, readiness (503 with the reason), and a detailed view for the operator."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Literal

from starlette.responses import JSONResponse
from starlette.routing import Route

from folio.application import build_app
from folio.auth import require_admin
from folio.http import request_id
from folio.openapi import Operation
from folio.runtime import Runtime, runtime
from folio.schemas import HealthStatus

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request

    from folio.settings import Settings


async def live(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok", "request_id": request_id(request.scope)})


async def ready(request: Request) -> JSONResponse:
    rt = runtime(request)
    await rt.ready()
    return JSONResponse({"status": "ok", "request_id": request_id(request.scope)})


async def detailed(request: Request) -> JSONResponse:
    rt = runtime(request)
    require_admin(request, rt.settings, rt.secrets.value("admin_key"))
    checks = {
        "model": await asyncio.to_thread(rt.check_model),
        "index": await rt.check_index(),
        "llm": rt.check_llm(),
        "store": await rt.check_store(),
        "feedback": rt.check_feedback(),
        "budget": await rt.budget.usage(),
    }
    status: Literal["ok", "degraded", "unavailable"] = "ok"
    if not (checks["model"]["ok"] and checks["index"]["ok"]):
        status = "unavailable"
    elif not all(checks[name]["ok"] for name in ("store", "llm", "feedback")) or "stale" in checks["index"]:
        status = "degraded"
    body = HealthStatus(status=status, checks=checks, request_id=request_id(request.scope))
    return JSONResponse(body.model_dump(mode="json"), status_code=503 if status == "unavailable" else 200)


ROUTES = [
    Route("/health", live, methods=["GET"]),
    Route("/health/live", live, methods=["GET"]),
    Route("/health/ready", ready, methods=["GET"]),
    Route("/health/detailed", detailed, methods=["GET"]),
]
OPERATIONS = [
    Operation("GET", "/health", "The process is up", HealthStatus),
    Operation("GET", "/health/live", "Liveness probe", HealthStatus),
    Operation(
        "GET",
        "/health/ready",
        "Readiness: the model and a non-empty index are loaded",
        HealthStatus,
        errors=(503,),
    ),
    Operation(
        "GET",
        "/health/detailed",
        "Each dependency's state (admin)",
        HealthStatus,
        errors=(401, 503),
        security="admin",
    ),
]


def create_app(settings: Settings | None = None, rt: Runtime | None = None) -> Starlette:
    return build_app(ROUTES, OPERATIONS, settings, rt)
