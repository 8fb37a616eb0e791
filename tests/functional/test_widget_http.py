"""GET /widget.js and GET /demo over real HTTP (uvicorn) and through the chat Lambda handler; the
browser tests (tests/e2e/test_widget_browser.py) run the widget itself."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from importlib import resources
from typing import Any

from tests.conftest import ADMIN_KEY
from tests.support.lambdas import body_of, load_event

Serve = Any
Invoke = Any
ORIGIN = "https://maya.example.dev"
PRODUCTION = {"env": "production", "allowed_origins": [ORIGIN], "admin_key": ADMIN_KEY, "session_secret": "s" * 40}
WIDGET = (resources.files("folio") / "data" / "widget.js").read_bytes()


def _directives(csp: str) -> dict[str, str]:
    return {name: value.strip() for name, _, value in (part.strip().partition(" ") for part in csp.split(";"))}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open = tag

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open == "style":
            self.styles.append(data)
        elif self._open == "script" and data.strip():
            self.scripts.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def test_the_widget_is_served_for_any_site_to_load(serve: Serve) -> None:
    # GIVEN folio allowing one site's origin
    client = serve(allowed_origins=[ORIGIN])
    # WHEN another site's page loads the script (a no-cors load, or with crossorigin)
    response = client.get("/widget.js", headers={"origin": "https://elsewhere.example", "sec-fetch-dest": "script"})
    # THEN it is the package's file, as JavaScript, cacheable and loadable across sites
    assert response.status_code == 200
    assert response.content == WIDGET
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert re.fullmatch(r'"[0-9a-f]{32}"', response.headers["etag"])
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["x-content-type-options"] == "nosniff"
    # AND the site's own origin gets it too (CORS names the origin then)
    own = client.get("/widget.js", headers={"origin": ORIGIN})
    assert own.status_code == 200 and own.headers["access-control-allow-origin"] == ORIGIN


def test_the_widget_revalidates_by_its_etag(serve: Serve) -> None:
    client = serve()
    etag = client.get("/widget.js").headers["etag"]
    for tags in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = client.get("/widget.js", headers={"if-none-match": tags})
        assert again.status_code == 304, tags
        assert again.content == b""
        assert again.headers["etag"] == etag and again.headers["cache-control"] == "public, max-age=3600"
    changed = client.get("/widget.js", headers={"if-none-match": '"an-older-widget"'})
    assert changed.status_code == 200 and changed.content == WIDGET
    head = client.head("/widget.js")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == etag


def test_the_widget_on_lambda(invoke: Invoke) -> None:
    response = invoke("chat")(load_event("widget.json"))
    assert response["statusCode"] == 200
    headers = {k.lower(): v for k, v in response["headers"].items()}
    assert headers["content-type"] == "text/javascript; charset=utf-8"
    assert headers["cross-origin-resource-policy"] == "cross-origin"
    body = base64.b64decode(response["body"]) if response["isBase64Encoded"] else response["body"].encode()
    assert body == WIDGET
    cached = invoke("chat")(load_event("widget.json", headers={"if-none-match": headers["etag"]}))
    assert cached["statusCode"] == 304 and not cached["body"]


def test_the_demo_page_embeds_the_widget_under_a_strict_policy(serve: Serve) -> None:
    # GIVEN development (the demo's default)
    client = serve(env="development")
    # WHEN a person opens /demo
    response = client.get("/demo")
    # THEN a page that loads the widget from this origin, with no inline script, under a policy
    # that allows exactly that script, requests to this origin, and the page's own stylesheet
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = _parse(response.text)
    scripts = [attrs for tag, attrs in page.tags if tag == "script"]
    assert scripts == [{"src": "widget.js", "data-heading": "Ask about Maya Okonkwo-Lindqvist", "defer": None}]
    assert page.scripts == []
    assert not [attrs for _, attrs in page.tags if any(name == "style" or name.startswith("on") for name in attrs)]
    (style,) = page.styles
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert _directives(response.headers["content-security-policy"]) == {
        "default-src": "'none'",
        "script-src": "'self'",
        "connect-src": "'self'",
        "style-src": f"'sha256-{digest}'",
        "frame-ancestors": "'none'",
        "base-uri": "'none'",
        "form-action": "'none'",
    }


def test_the_demo_page_escapes_the_owners_name(serve: Serve) -> None:
    client = serve(demo_page=True, owner_name="Maya <script>alert(1)</script> O'Brien")
    html = client.get("/demo").text
    assert "<script>alert" not in html
    assert "Maya &lt;script&gt;alert(1)&lt;/script&gt; O&#x27;Brien" in html


def test_the_demo_page_is_off_outside_development_unless_enabled(serve: Serve, invoke: Invoke) -> None:
    for settings in ({"env": "test"}, PRODUCTION, {"env": "development", "demo_page": False}):
        response = serve(**settings).get("/demo")
        assert response.status_code == 404, settings
        assert response.json()["error"]["code"] == "not_found"
    assert serve(**PRODUCTION, demo_page=True).get("/demo").status_code == 200
    event = load_event("widget.json", rawPath="/demo")
    event["requestContext"]["http"]["path"] = "/demo"
    assert invoke("chat", **PRODUCTION)(event)["statusCode"] == 404
    enabled = invoke("chat", **PRODUCTION, demo_page=True)(event)
    assert enabled["statusCode"] == 200 and 'src="widget.js"' in enabled["body"]


def test_the_demo_pages_questions_pass_the_origin_allowlist(serve: Serve) -> None:
    """A page of folio's own origin asks from that origin, which no allowlist names: it is not
    cross-origin, and another site's origin is still refused."""
    client = serve(**PRODUCTION, demo_page=True)
    question = {"message": "What grade did she get in Database Internals?"}
    host = client.base_url.netloc.decode()
    own = client.post("/api/chat", json=question, headers={"origin": f"http://{host}"})
    assert own.status_code == 200, own.text
    other = client.post("/api/chat", json=question, headers={"origin": "http://elsewhere.example"})
    assert other.status_code == 403 and other.json()["error"]["code"] == "forbidden"
    spoofed = client.post("/api/chat", json=question, headers={"origin": f"http://{host}.evil.example"})
    assert spoofed.status_code == 403


def test_the_demo_pages_origin_on_lambda(invoke: Invoke) -> None:
    handler = invoke("chat", **PRODUCTION)
    event = load_event("chat.json")
    own = handler(load_event("chat.json", headers={"origin": f"https://{event['headers']['host']}"}))
    assert own["statusCode"] == 200, body_of(own)
