"""The operator's ingest function: POST /api/ingest re-indexes the configured documents folder."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from starlette.responses import JSONResponse
from starlette.routing import Route

from folio.application import build_app
from folio.auth import require_admin
from folio.http import request_id
from folio.openapi import Operation
from folio.runtime import Runtime, runtime
from folio.schemas import IngestResponse

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request

    from folio.settings import Settings


async def ingest(request: Request) -> JSONResponse:
    rt = runtime(request)
    require_admin(request, rt.settings, rt.secrets.value("admin_key"))
    summary = await asyncio.to_thread(rt.ingest)
    body = IngestResponse.model_validate({**summary.as_dict(), "request_id": request_id(request.scope)})
    return JSONResponse(body.model_dump(mode="json"))


ROUTES = [Route("/api/ingest", ingest, methods=["POST"])]
OPERATIONS = [
    Operation(
        "POST",
        "/api/ingest",
        "Re-index the documents folder (admin)",
        IngestResponse,
        description="Incremental: only new or changed chunks are embedded; one new index version is committed.",
        errors=(401, 503),
        security="admin",
    )
]


def create_app(settings: Settings | None = None, rt: Runtime | None = None) -> Starlette:
    return build_app(ROUTES, OPERATIONS, settings, rt)
