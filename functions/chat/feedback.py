"""Feedback on answers: POST /api/feedback for visitors, GET /api/feedback for the owner (admin)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from starlette.responses import JSONResponse
from starlette.routing import Route

from folio.auth import require_admin
from folio.errors import ValidationFailed
from folio.feedback import LIST_LIMIT, newest, parse_duration
from folio.http import request_id
from folio.openapi import Operation
from folio.runtime import runtime
from folio.schemas import FeedbackList, FeedbackRequest, FeedbackResponse

from .visitor import visitor_call

if TYPE_CHECKING:
    from starlette.requests import Request


async def give(request: Request) -> JSONResponse:
    rt, body, client = await visitor_call(request, FeedbackRequest)
    replaced, headers = await rt.feedback.give(body, client=client)
    response = FeedbackResponse(status="recorded", replaced=replaced, request_id=request_id(request.scope))
    return JSONResponse(response.model_dump(mode="json"), status_code=202, headers=headers)


async def listing(request: Request) -> JSONResponse:
    rt = runtime(request)
    require_admin(request, rt.settings, rt.secrets.value("admin_key"))
    text = request.query_params.get("since", "7d")
    try:
        since = datetime.now(UTC) - timedelta(seconds=parse_duration(text))
    except ValueError as exc:
        detail = {"field": "since", "message": str(exc), "type": "value_error"}
        raise ValidationFailed(f"since: {exc}", details=[detail]) from exc
    entries, truncated = await newest(rt.store, rt.settings.store_prefix, since)
    body = FeedbackList(entries=entries, since=since, truncated=truncated, request_id=request_id(request.scope))
    return JSONResponse(body.model_dump(mode="json"))


async def feedback(request: Request) -> JSONResponse:
    # One route for both methods, so that a 405 names both in its Allow header.
    return await (give(request) if request.method == "POST" else listing(request))


ROUTES = [Route("/api/feedback", feedback, methods=["GET", "POST"])]
OPERATIONS = [
    Operation(
        "POST",
        "/api/feedback",
        "Rate an answer",
        FeedbackResponse,
        description="Thumbs up or down on one answer, with an optional comment. Send the answer's answer_id "
        "and session_id (from the JSON answer, or the stream's done event): feedback is accepted only for "
        "answers this server gave in that conversation, while it lasts (404 unknown_answer otherwise). "
        "The server records the question, the answer, its sources and provider as it gave them; the client "
        "sends only the ids. Feedback on the same answer again replaces the earlier one: the latest counts. "
        "Limits per client address and per session answer 429 with Retry-After.",
        request=FeedbackRequest,
        errors=(400, 401, 403, 404, 413, 415, 422, 429, 503),
        security="apiKey",
        rate_limited=True,
        status=202,
    ),
    Operation(
        "GET",
        "/api/feedback",
        "The feedback given on answers (admin)",
        FeedbackList,
        description="`?since=7d` (the default; also 30m, 24h, 2w...): the feedback given in that window, "
        f"the latest {LIST_LIMIT} at most, down-voted first. `folio feedback` prints it.",
        errors=(401, 422, 503),
        security="admin",
    ),
]
