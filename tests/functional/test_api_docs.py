"""/docs: the OpenAPI document as a page a person reads, over real HTTP and the Lambda handler,
under a Content-Security-Policy that allows its one stylesheet and nothing else."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from typing import Any

from tests.support.lambdas import load_event

Serve = Any
STRICT = {"default-src": "'none'", "frame-ancestors": "'none'", "base-uri": "'none'", "form-action": "'none'"}


class _Page(HTMLParser):
    """What a browser would load or run: tags, ids, the inline styles and the text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = self._in_style and tag != "style"

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)

    @property
    def ids(self) -> set[str]:
        return {str(attrs["id"]) for _, attrs in self.tags if attrs.get("id")}


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _directives(csp: str) -> dict[str, str]:
    return {name: value.strip() for name, _, value in (part.strip().partition(" ") for part in csp.split(";"))}


def _assert_strict_csp_for(page: _Page, csp: str) -> None:
    """The policy allows exactly the page's inline stylesheet (by hash), and nothing else."""
    assert len(page.styles) == 1
    digest = base64.b64encode(hashlib.sha256(page.styles[0].encode()).digest()).decode()
    assert _directives(csp) == {**STRICT, "style-src": f"'sha256-{digest}'"}
    assert not [tag for tag, _ in page.tags if tag in {"script", "link", "img", "iframe", "object", "form"}]
    assert not [attrs for _, attrs in page.tags if any(name == "style" or name.startswith("on") for name in attrs)]


def test_docs_lists_every_public_route_and_its_schemas(serve: Serve) -> None:
    # GIVEN folio serving chat, health and ingest
    client = serve()
    spec = client.get("/openapi.json").json()
    # WHEN a person opens /docs
    response = client.get("/docs")
    # THEN an HTML page names every route of the OpenAPI document, with its request and response schemas
    assert response.status_code == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
    page = _parse(response.text)
    text = " ".join(page.text)
    for path, item in spec["paths"].items():
        for method, op in item.items():
            assert f"op-{op['operationId']}" in page.ids, (method, path)
            assert path in text and op["summary"] in text
            section = response.text.split(f"id='op-{op['operationId']}'", 1)[1].split("</section>", 1)[0]
            refs = re.findall(r"#/components/schemas/(\w+)", str(op))
            assert refs and all(f"#schema-{name}" in section for name in refs), (path, refs)
    for name, schema in spec["components"]["schemas"].items():
        assert f"schema-{name}" in page.ids
        section = response.text.split(f"id='schema-{name}'", 1)[1].split("</section>", 1)[0]
        assert all(f"<code>{field}</code>" in section for field in schema.get("properties", {})), name
    for header in ("Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"):
        assert header in text
    # AND the page's own policy is as strict as the JSON routes', plus its stylesheet's hash
    _assert_strict_csp_for(page, response.headers["content-security-policy"])
    assert response.headers["x-frame-options"] == "DENY" and response.headers["x-content-type-options"] == "nosniff"


def test_other_routes_keep_the_json_policy(serve: Serve) -> None:
    client = serve()
    for path in ("/openapi.json", "/health", "/nowhere"):
        assert _directives(client.get(path).headers["content-security-policy"]) == STRICT, path


def test_docs_on_lambda(invoke: Any) -> None:
    event = load_event("openapi.json", rawPath="/docs")
    event["requestContext"]["http"]["path"] = "/docs"
    response = invoke("chat")(event)
    assert response["statusCode"] == 200
    headers = {k.lower(): v for k, v in response["headers"].items()}
    assert headers["content-type"] == "text/html; charset=utf-8"
    page = _parse(response["body"])
    assert "op-post_api_chat" in page.ids and "schema-ChatRequest" in page.ids
    assert "op-get_health" not in page.ids, "each function documents its own routes"
    _assert_strict_csp_for(page, headers["content-security-policy"])
