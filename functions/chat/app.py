"""The public chat function: POST /api/chat (JSON, or Server-Sent Events: folio.streaming),
feedback on its answers (feedback.py), the widget that calls both (GET /widget.js) and a page
embedding that (GET /demo): folio.widget."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from folio.application import build_app
from folio.http import request_id
from folio.openapi import Operation
from folio.schemas import ChatRequest, ChatResponse
from folio.streaming import STREAM_DESCRIPTION, STREAM_EVENTS, streamed_turn, wants_stream
from folio.widget import demo, widget

from . import feedback
from .visitor import visitor_call

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request

    from folio.runtime import Runtime
    from folio.settings import Settings


async def chat(request: Request) -> Response:
    rt, body, client = await visitor_call(request, ChatRequest)
    rid = request_id(request.scope)
    if wants_stream(request.headers.get("accept", "")):
        return await streamed_turn(rt, body, client=client, request_id=rid)
    response, headers = await rt.chat.turn(body, client=client, request_id=rid)
    return JSONResponse(response.model_dump(mode="json"), headers=headers)


ROUTES = [
    Route("/api/chat", chat, methods=["POST"]),
    *feedback.ROUTES,
    # Not API routes: no OpenAPI operation (include_in_schema=False), see folio.widget.
    Route("/widget.js", widget, methods=["GET"], include_in_schema=False),
    Route("/demo", demo, methods=["GET"], include_in_schema=False),
]
OPERATIONS = [
    Operation(
        "POST",
        "/api/chat",
        "Ask a question about the site owner",
        ChatResponse,
        description="Answers from the owner's documents only, citing them as [n]. "
        "When nothing relevant is found the answer says so, with grounded=false and no LLM call. "
        "The first answer returns a server-signed session_id: send it back to continue the conversation. "
        "Every answer has an answer_id, for feedback on it (POST /api/feedback). "
        "Limits per client address, per session and on new sessions answer 429 with Retry-After. "
        "The answer, titles, sections and snippets are untrusted text (an LLM's or the documents'): "
        "control characters, HTML and Markdown links are stripped, but render them as text, never as HTML. "
        + STREAM_DESCRIPTION,
        request=ChatRequest,
        events=STREAM_EVENTS,
        errors=(400, 401, 403, 413, 415, 422, 429, 503),
        security="apiKey",
        rate_limited=True,
    ),
    *feedback.OPERATIONS,
]


def create_app(settings: Settings | None = None, rt: Runtime | None = None) -> Starlette:
    return build_app(ROUTES, OPERATIONS, settings, rt)
