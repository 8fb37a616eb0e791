"""An OpenAPI 3.1 document generated from the pydantic models each route declares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic.json_schema import models_json_schema
from starlette.responses import JSONResponse

from folio import __version__
from folio.schemas import ErrorBody

if TYPE_CHECKING:
    from pydantic import BaseModel
    from starlette.requests import Request

_SUCCESS_TEXT = {200: "OK", 202: "Accepted"}
_ERROR_TEXT = {
    400: "Malformed JSON",
    401: "Missing or wrong key",
    403: "Origin not allowed",
    404: "Not found",
    413: "Body too large",
    415: "Body is not JSON",
    422: "Invalid fields",
    429: "Rate limited",
    503: "A dependency is not ready",
}
_SECURITY = {
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "admin": {"type": "http", "scheme": "bearer", "description": "The admin key (FOLIO_ADMIN_KEY)."},
}
_INTEGER = {"type": "integer", "minimum": 0}
_HEADERS = {
    "Retry-After": {"description": "Seconds to wait before asking again.", "schema": {**_INTEGER, "minimum": 1}},
    "RateLimit-Limit": {"description": "Requests the rule that applies allows in its window.", "schema": _INTEGER},
    "RateLimit-Remaining": {"description": "Requests left in that window (0 on a 429).", "schema": _INTEGER},
    "RateLimit-Reset": {"description": "Seconds until the window frees a request.", "schema": _INTEGER},
}
_ALLOWANCE = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    response: type[BaseModel]
    description: str = ""
    request: type[BaseModel] | None = None
    errors: tuple[int, ...] = ()
    security: str | None = None
    # Its answers carry the RateLimit-* headers of the client's allowance.
    rate_limited: bool = False
    # Server-Sent Events the 200 may stream instead (Accept: text/event-stream): (event name, data model)
    events: tuple[tuple[str, type[BaseModel]], ...] = ()
    status: int = 200  # of a success


def build_spec(operations: list[Operation], title: str = "folio") -> dict[str, Any]:
    models = {op.response for op in operations} | {op.request for op in operations if op.request} | {ErrorBody}
    models |= {model for op in operations for _, model in op.events}
    _, defs = models_json_schema(
        [(m, "serialization") for m in sorted(models, key=lambda m: m.__name__)],
        ref_template="#/components/schemas/{model}",
    )
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        success = str(op.status)
        entry: dict[str, Any] = {
            "summary": op.summary,
            "description": op.description or op.summary,
            "operationId": f"{op.method.lower()}_{op.path.strip('/').replace('/', '_')}",
            "responses": {
                success: {
                    "description": _SUCCESS_TEXT.get(op.status, "Success"),
                    "content": {**_json(op.response), **_events(op)},
                },
                **{
                    str(s): {"description": _ERROR_TEXT.get(s, "Error"), "content": _json(ErrorBody)} for s in op.errors
                },
            },
        }
        if op.rate_limited:
            entry["responses"][success]["headers"] = _header_refs(_ALLOWANCE)
        if 429 in op.errors:
            entry["responses"]["429"]["headers"] = _header_refs(("Retry-After", *_ALLOWANCE))
        if op.request is not None:
            entry["requestBody"] = {"required": True, "content": _json(op.request)}
        if op.security:
            entry["security"] = [{op.security: []}]
        paths.setdefault(op.path, {})[op.method.lower()] = entry
    used = {op.security for op in operations if op.security}
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": __version__, "description": "Cited answers from one person's documents."},
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            **({"headers": _HEADERS} if any(op.rate_limited or 429 in op.errors for op in operations) else {}),
            "securitySchemes": {name: scheme for name, scheme in _SECURITY.items() if name in used},
        },
    }


def _json(model: type[BaseModel]) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}


def _header_refs(names: tuple[str, ...]) -> dict[str, Any]:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def _events(op: Operation) -> dict[str, Any]:
    if not op.events:
        return {}
    names = [name for name, _ in op.events]
    # One event of the stream, as SSE tools read it: its name and its data (one line of JSON, whose
    # schema per event name is in x-events).
    schema = {
        "type": "object",
        "description": f"Server-Sent Events ({', '.join(names)}); each event's data is one line of JSON.",
        "properties": {
            "event": {"type": "string", "enum": names},
            "data": {"type": "string", "description": "JSON: see x-events for each event's schema"},
        },
        "required": ["event", "data"],
        "x-events": {name: {"$ref": f"#/components/schemas/{model.__name__}"} for name, model in op.events},
    }
    return {"text/event-stream": {"schema": schema}}


def openapi_endpoint(spec: dict[str, Any]) -> Any:
    async def endpoint(_request: Request) -> JSONResponse:
        return JSONResponse(spec)

    return endpoint
