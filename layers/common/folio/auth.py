"""API keys for the public chat, the admin key for operator routes, and the Origin allowlist."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from folio.errors import Forbidden, Unauthorized

if TYPE_CHECKING:
    from starlette.requests import Request

    from folio.settings import Settings


def _matches(given: str, keys: list[str]) -> bool:
    # Compare against every key, without stopping early, so timing reveals nothing.
    hits = [hmac.compare_digest(given.encode(), key.encode()) for key in keys]
    return any(hits)


def check_origin(request: Request, settings: Settings) -> None:
    """A browser request from an origin not on the allowlist is refused (when an allowlist is set).

    A page of folio's own origin (/demo) is not cross-origin: browsers send Origin with every POST,
    their own host's included, and no page elsewhere can send that one."""
    origin = request.headers.get("origin")
    if origin is None or not settings.allowed_origins or "*" in settings.allowed_origins:
        return
    if urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower():
        return
    if origin.rstrip("/") not in settings.allowed_origins:
        raise Forbidden(f"Origin {origin} is not allowed.")


def require_api_key(request: Request, settings: Settings, keys: list[str]) -> None:
    """`keys` are the current API keys (settings or SSM, see folio.secrets)."""
    check_origin(request, settings)
    if not keys:
        return  # open chat: the local default; production refuses to start like this
    if not _matches(request.headers.get("x-api-key", ""), keys):
        raise Unauthorized("A valid X-API-Key header is required.", headers={"www-authenticate": "X-API-Key"})


def require_admin(request: Request, settings: Settings, admin_key: str | None) -> None:
    if admin_key is None and not settings.is_production:
        return  # local development without an admin key: open, with a warning at start-up
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if admin_key is None or scheme.lower() != "bearer" or not _matches(token.strip(), [admin_key]):
        raise Unauthorized(
            "This route needs the admin key as 'Authorization: Bearer <key>'.", headers={"www-authenticate": "Bearer"}
        )
