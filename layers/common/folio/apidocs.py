"""/docs: the OpenAPI document as one HTML page a person can read, rendered on the server.

No script and no request of its own: one inline stylesheet, allowed by its hash, so the page's
Content-Security-Policy stays as strict as the JSON routes' (only `style-src` is opened, for that
one hash).
"""

from __future__ import annotations

import base64
import hashlib
import json
from html import escape
from typing import TYPE_CHECKING, Any

from starlette.responses import HTMLResponse

if TYPE_CHECKING:
    from starlette.requests import Request

_STYLE = """
:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#57606a;--line:#d0d7de;--code:#f6f8fa;--accent:#0969da}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;--line:#30363d;
--code:#161b22;--accent:#4493f8}}
body{font:16px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:60rem;
padding:1rem 1.5rem 4rem}
a{color:var(--accent)}h2{border-bottom:1px solid var(--line);padding-bottom:.3rem;margin-top:2.5rem}
h3{margin-top:2rem}code,pre{font:14px/1.4 ui-monospace,monospace;background:var(--code);border-radius:4px}
code{padding:.1rem .3rem}pre{padding:.75rem;overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid var(--line);padding:.35rem .5rem;
text-align:left;vertical-align:top}th{background:var(--code)}
.method{font-weight:700;text-transform:uppercase}.muted{color:var(--muted)}
""".strip()
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
CSP = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def render(spec: dict[str, Any]) -> str:
    info = spec["info"]
    components = spec.get("components", {})
    operations = [(path, method, op) for path, item in spec["paths"].items() for method, op in item.items()]
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(info['title'])} API</title><style>{_STYLE}</style></head><body>",
        f"<h1>{_e(info['title'])} API <span class='muted'>{_e(info['version'])}</span></h1>",
        f"<p>{_e(info.get('description', ''))} The same document as JSON: <a href='openapi.json'>openapi.json</a>.</p>",
        '<nav aria-label="Routes"><h2 id="routes">Routes</h2><table id="route-list">',
        "<tr><th>method</th><th>path</th><th>what it does</th></tr>",
        *(
            f"<tr><td class='method'>{_e(m)}</td><td><a href='#{_anchor(op)}'><code>{_e(p)}</code></a></td>"
            f"<td>{_e(op.get('summary', ''))}</td></tr>"
            for p, m, op in operations
        ),
        "</table></nav><main>",
        *(_operation(p, m, op, components) for p, m, op in operations),
        '<h2 id="schemas">Schemas</h2>',
        *(_schema(name, schema) for name, schema in components.get("schemas", {}).items()),
        "</main></body></html>",
    ]
    return "\n".join(parts)


def _operation(path: str, method: str, op: dict[str, Any], components: dict[str, Any]) -> str:
    out = [
        f"<section id='{_anchor(op)}'><h3><span class='method'>{_e(method)}</span> <code>{_e(path)}</code></h3>",
        f"<p>{_e(op.get('description', ''))}</p>",
    ]
    for requirement in op.get("security", []):
        for name in requirement:
            out.append(f"<p><strong>Access:</strong> {_security(components['securitySchemes'][name])}</p>")
    body = op.get("requestBody")
    if body:
        schema = body["content"]["application/json"]["schema"]
        out.append(f"<p><strong>Request body</strong> (JSON): {_type(schema)}</p>")
    out.append("<table><tr><th>status</th><th>meaning</th><th>body</th><th>headers</th></tr>")
    for status, response in op["responses"].items():
        content = response.get("content", {}).get("application/json")
        headers = "<br>".join(
            f"<code>{_e(name)}</code>: {_e(_header(h, components)['description'])}"
            for name, h in response.get("headers", {}).items()
        )
        out.append(
            f"<tr><td>{_e(status)}</td><td>{_e(response['description'])}</td>"
            f"<td>{_type(content['schema']) if content else ''}</td><td>{headers}</td></tr>"
        )
    out.append("</table>")
    out += [
        _stream(response) for response in op["responses"].values() if "text/event-stream" in response.get("content", {})
    ]
    out.append("</section>")
    return "\n".join(out)


def _stream(response: dict[str, Any]) -> str:
    """With `Accept: text/event-stream`: each event and its data."""
    schema = response["content"]["text/event-stream"]["schema"]
    events = "".join(
        f"<li><code>{_e(name)}</code>: {_type(data)}</li>" for name, data in schema.get("x-events", {}).items()
    )
    return f"<p><strong>Streamed</strong> ({_e(schema.get('description', ''))}):</p><ul>{events}</ul>"


def _schema(name: str, schema: dict[str, Any]) -> str:
    out = [f"<section id='schema-{_e(name)}'><h3><code>{_e(name)}</code></h3>"]
    if schema.get("description"):
        out.append(f"<p>{_e(schema['description'])}</p>")
    required = set(schema.get("required", []))
    out.append("<table><tr><th>field</th><th>type</th><th>required</th><th>description</th></tr>")
    for field, prop in schema.get("properties", {}).items():
        out.append(
            f"<tr><td><code>{_e(field)}</code></td><td>{_type(prop)}{_constraints(prop)}</td>"
            f"<td>{'yes' if field in required else 'no'}</td><td>{_e(prop.get('description', ''))}</td></tr>"
        )
    out.append("</table>")
    for example in schema.get("examples", []):
        out.append(f"<p class='muted'>Example</p><pre>{_e(json.dumps(example, indent=2, ensure_ascii=False))}</pre>")
    out.append("</section>")
    return "\n".join(out)


def _type(schema: dict[str, Any] | bool) -> str:
    if isinstance(schema, bool):
        return "<code>any</code>"  # JSON Schema's `true`: anything
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"<a href='#schema-{_e(name)}'><code>{_e(name)}</code></a>"
    if "anyOf" in schema:
        return " | ".join(_type(option) for option in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(f"<code>{_e(json.dumps(value))}</code>" for value in schema["enum"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"array of {_type(schema.get('items', {}))}"
    if kind == "object" and "additionalProperties" in schema:
        return f"object of {_type(schema['additionalProperties'])}"
    return f"<code>{_e(str(kind))}</code>"


_CONSTRAINTS = {"pattern": "pattern", "minLength": "min length", "maxLength": "max length", "default": "default"}


def _constraints(schema: dict[str, Any]) -> str:
    found = [
        f"{label} <code>{_e(json.dumps(schema[key]))}</code>"
        for key, label in _CONSTRAINTS.items()
        if key in schema and schema[key] is not None
    ]
    return f"<br><span class='muted'>{'; '.join(found)}</span>" if found else ""


def _security(scheme: dict[str, Any]) -> str:
    if scheme["type"] == "apiKey":
        where = f"the <code>{_e(scheme['name'])}</code> header"
        return f"an API key in {where}, only when the server has keys (FOLIO_API_KEYS); in public mode none."
    return _e(scheme.get("description") or f"HTTP {scheme.get('scheme', '')} authentication")


def _header(header: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in header:
        resolved: dict[str, Any] = components["headers"][header["$ref"].rsplit("/", 1)[-1]]
        return resolved
    return header


def _anchor(op: dict[str, Any]) -> str:
    return f"op-{_e(op['operationId'])}"


def _e(value: str) -> str:
    return escape(value, quote=True)


def docs_endpoint(spec: dict[str, Any]) -> Any:
    page = render(spec)

    async def endpoint(_request: Request) -> HTMLResponse:
        # This route's own policy; the security-headers middleware keeps a header the app set.
        return HTMLResponse(page, headers={"content-security-policy": CSP})

    return endpoint
