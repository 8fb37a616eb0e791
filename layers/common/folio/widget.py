"""The embeddable chat widget (GET /widget.js) and a page that embeds it (GET /demo).

widget.js is a file of the package (folio/data/widget.js), served as it is, so the same file can be
copied to any CDN. Any site may load it: a `<script>` is a no-cors load, which the JSON routes'
`Cross-Origin-Resource-Policy: same-site` would block, so this route says `cross-origin`, and
`Access-Control-Allow-Origin: *` lets a page load it with `crossorigin` (and Subresource Integrity).

/demo is on in development and off elsewhere unless FOLIO_DEMO_PAGE says so. Its policy allows the
widget from this origin, its requests to this origin and the page's one stylesheet (by its hash);
the widget's own styles are a constructed stylesheet, which no style-src governs.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources
from typing import TYPE_CHECKING

from starlette.responses import HTMLResponse, Response

from folio.errors import NotFound
from folio.runtime import runtime

if TYPE_CHECKING:
    from starlette.requests import Request

# Revalidated by its ETag after an hour: a new widget reaches every visitor within that. A copy on
# a CDN under a versioned URL can be cached for good.
WIDGET_CACHE_CONTROL = "public, max-age=3600"
_DEMO_STYLE = (
    ":root{color-scheme:light dark}body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:0 auto;"
    "padding:2rem 1.5rem}code{font:14px/1.4 ui-monospace,monospace;overflow-wrap:anywhere}"
)
_DEMO_STYLE_HASH = base64.b64encode(hashlib.sha256(_DEMO_STYLE.encode()).digest()).decode()
DEMO_CSP = (
    f"default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'sha256-{_DEMO_STYLE_HASH}'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


@dataclass(frozen=True)
class Script:
    body: bytes
    etag: str


@cache
def widget_script() -> Script:
    """The widget's bytes and their ETag, read once per process."""
    body = (resources.files("folio") / "data" / "widget.js").read_bytes()
    return Script(body, f'"{hashlib.sha256(body).hexdigest()[:32]}"')


async def widget(request: Request) -> Response:
    script = widget_script()
    headers = {
        "etag": script.etag,
        "cache-control": WIDGET_CACHE_CONTROL,
        "cross-origin-resource-policy": "cross-origin",
        "access-control-allow-origin": "*",
    }
    if _not_modified(request.headers.get("if-none-match", ""), script.etag):
        return Response(status_code=304, headers=headers)
    return Response(script.body, media_type="text/javascript", headers=headers)


def _not_modified(if_none_match: str, etag: str) -> bool:
    """RFC 9110's weak comparison: any listed tag (W/ or not) equal to ours, or '*'."""
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in tags or "*" in tags


async def demo(request: Request) -> HTMLResponse:
    settings = runtime(request).settings
    if not settings.demo_enabled:
        raise NotFound()
    return HTMLResponse(demo_page(settings.owner_name), headers={"content-security-policy": DEMO_CSP})


def demo_page(owner: str) -> str:
    who = escape(owner, quote=True)
    url = "https://YOUR-FOLIO-URL"
    snippet = escape(f'<script src="{url}/widget.js" data-endpoint="{url}" defer></script>')
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>folio: ask about {who}</title><style>{_DEMO_STYLE}</style></head><body><main>",
            f"<h1>Ask about {who}</h1>",
            "<p>This page embeds folio's chat widget: open it with the button in the corner and ask about "
            f"{who}'s work, studies and projects. Answers stream in, each with its sources.</p>",
            f"<p>To embed it on a site:</p><p><code>{snippet}</code></p>",
            "<p>The API itself: <a href='docs'>docs</a>.</p>",
            "</main>",
            f'<script src="widget.js" data-heading="Ask about {who}" defer></script>',
            "</body></html>",
        ]
    )
