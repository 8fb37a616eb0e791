"""What every visitor's POST to the chat function starts with."""

from __future__ import annotations

from typing import TYPE_CHECKING

from folio.auth import require_api_key
from folio.clientip import client_key
from folio.http import Model, read_json
from folio.runtime import Runtime, runtime

if TYPE_CHECKING:
    from starlette.requests import Request


async def visitor_call(request: Request, model: type[Model]) -> tuple[Runtime, Model, str]:
    """The key (in server-side mode), the validated body and the client's limit key."""
    rt = runtime(request)
    require_api_key(request, rt.settings, rt.secrets.api_keys())
    body = await read_json(request, model)
    return rt, body, client_key(request.scope, rt.trusted_proxies, rt.settings.ipv6_prefix_length)
