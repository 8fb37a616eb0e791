"""/docs in a real headless Chromium (Debian's, driven by Playwright): the page renders under the
policy folio serves with it, with no CSP violation, and the route list is on screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from folio.cli import combined_app
from tests.support.browser import RECORD_VIOLATIONS
from tests.support.servers import UvicornServer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from playwright.sync_api import Browser, Page, Route

    from folio.runtime import Runtime
    from folio.settings import Settings

pytestmark = pytest.mark.e2e
JSON_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


@pytest.fixture
def docs_url(make_settings: Callable[..., Settings], make_runtime: Callable[[Settings], Runtime]) -> Iterator[str]:
    settings = make_settings()
    with UvicornServer(combined_app(settings, make_runtime(settings))) as server:
        yield f"{server.url}/docs"


def _open(browser: Browser, url: str, route: Callable[[Route], None] | None = None) -> tuple[Page, list[str]]:
    page = browser.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    page.add_init_script(RECORD_VIOLATIONS)
    if route is not None:
        page.route(url, route)
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200
    return page, console


def _violations(page: Page) -> Any:
    return page.evaluate("window.__violations")


def test_docs_render_in_chromium_without_csp_violations(browser: Browser, docs_url: str) -> None:
    # GIVEN folio over real HTTP, WHEN Chromium opens /docs
    page, console = _open(browser, docs_url)
    try:
        # THEN nothing was blocked and nothing complained
        assert _violations(page) == []
        assert console == []
        # AND the route list is on screen, styled by the stylesheet the policy allows
        routes = page.locator("#route-list")
        assert routes.is_visible()
        for path in ("/api/chat", "/health/ready", "/api/ingest"):
            assert routes.get_by_text(path, exact=True).is_visible(), path
        assert page.evaluate("getComputedStyle(document.body).maxWidth") == "960px"
        assert page.evaluate("getComputedStyle(document.querySelector('th')).borderTopStyle") == "solid"
    finally:
        page.close()


def test_the_same_page_under_the_json_policy_is_blocked(browser: Browser, docs_url: str) -> None:
    """The detector works: served with the JSON routes' policy, the page's stylesheet is refused."""

    def json_policy(route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": JSON_POLICY})

    page, console = _open(browser, docs_url, json_policy)
    try:
        assert any(v.startswith("style-src") for v in _violations(page)), _violations(page)
        assert any("Content Security Policy" in line for line in console), console
        assert page.evaluate("getComputedStyle(document.body).maxWidth") == "none"
    finally:
        page.close()
