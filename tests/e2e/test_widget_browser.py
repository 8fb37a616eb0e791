"""The chat widget in a real headless Chromium (Debian's, driven by Playwright), against folio over
real HTTP (uvicorn) with the sample index: /demo on folio's own origin, and a host page on another
site (`localhost` against folio's `127.0.0.1`: cross-site, so CORS and CORP are real) whose CSS
tries to break it. Only Groq is faked (tests/fakes/llm_server.py, its real wire protocol); a few
tests answer /api/chat in the page itself with what folio would never send."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from playwright.sync_api import expect
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from folio.cli import combined_app, main
from folio.server import server_options
from tests.support.browser import RECORD_VIOLATIONS
from tests.support.limits import NO_LIMITS
from tests.support.servers import UvicornServer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Dialog, Locator, Page, Request
    from playwright.sync_api import Route as PlaywrightRoute
    from starlette.requests import Request as StarletteRequest

    from folio.runtime import Runtime
    from folio.settings import Settings
    from tests.fakes.llm_server import FakeLLM

pytestmark = pytest.mark.e2e
QUESTION = "What grade did she get in Database Internals?"
FOLLOW_UP = "When did she take that course?"
TRANSCRIPT = "https://maya.example.dev/education/transcript"
# {n}: the transcript, as the LLM sees it numbered (_transcript); the visitor sees it as [1].
CITED = "She got an A- [{n}] in Database Internals, a course on storage engines and query planning."
SHOWN = CITED.format(n=1)
HOSTILE_REPLY = (
    "<script>window.__pwned = 1</script>She got an A- [{n}] in Database Internals."
    " <img src=x onerror='window.__pwned = 2'> [details](javascript:window.__pwned=3)"
    " <a href='javascript:window.__pwned = 4' onclick='window.__pwned = 5'>more</a> [9]"
)
# No answer cache: _transcript asks the question first.
GROQ = {"groq_api_key": "gsk_fake_key_for_tests", "llm_max_retries": 0, "cache_ttl_seconds": 0}


@dataclass
class Folio:
    url: str
    settings: Settings


@pytest.fixture
def folio(
    make_settings: Callable[..., Settings], make_runtime: Callable[[Settings], Runtime]
) -> Iterator[Callable[..., Folio]]:
    """folio(**settings) -> chat, health and ingest under real uvicorn, /demo on, the sample index."""
    servers: list[UvicornServer] = []

    def start(**overrides: Any) -> Folio:
        settings = make_settings(**{"demo_page": True, **NO_LIMITS, **overrides})
        server = UvicornServer(combined_app(settings, make_runtime(settings)), options=server_options(settings))
        servers.append(server.start())
        return Folio(server.url, settings)

    yield start
    for server in servers:
        server.stop()


def _transcript(server: Folio) -> dict[str, Any]:
    """The first source retrieved for QUESTION that is the transcript, numbered as the LLM sees it
    (the stream's sources event, read before the answer: closing it cancels the answer)."""
    headers = {"accept": "text/event-stream"}
    with httpx.stream("POST", f"{server.url}/api/chat", json={"message": QUESTION}, headers=headers) as response:
        data = next(line for line in response.iter_lines() if line.startswith("data: "))
    source: dict[str, Any] = next(s for s in json.loads(data[6:])["sources"] if s["url"] == TRANSCRIPT)
    return source


@dataclass
class Visit:
    """A browser context (its own sessionStorage) and one page, with what the page did."""

    context: BrowserContext
    page: Page
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    chats: list[Any] = field(default_factory=list)

    @property
    def widget(self) -> Locator:
        return self.page.locator("folio-chat")

    def shadow(self, script: str) -> Any:
        """Evaluate `script` with `root` bound to the widget's shadow root."""
        return self.page.evaluate(f"() => {{ const root = document.querySelector('folio-chat').shadowRoot; {script} }}")

    def violations(self) -> Any:
        return self.page.evaluate("window.__violations")

    def open_by_keyboard(self) -> None:
        for _ in range(10):
            self.page.keyboard.press("Tab")
            if self.shadow("return root.activeElement && root.activeElement.classList.contains('bubble')"):
                break
        else:
            pytest.fail("Tab never reached the chat button")
        self.page.keyboard.press("Enter")
        expect(self.widget.get_by_role("dialog")).to_be_visible()
        assert self.shadow("return root.activeElement.id") == "question"

    def ask(self, question: str) -> Locator:
        """Type the question and press Enter; the answer's element, once it is complete."""
        answered = self.answers().count()
        self.widget.get_by_role("textbox", name="Your question").focus()
        self.page.keyboard.type(question)
        self.page.keyboard.press("Enter")
        answer = self.answers().nth(answered)
        answer.wait_for()
        return answer

    def answers(self) -> Locator:
        return self.widget.locator(".bot[aria-busy=false]")

    def session(self, folio: Folio) -> Any:
        return self.page.evaluate(f"sessionStorage.getItem('folio-session:{folio.url}')")


@pytest.fixture
def visit(browser: Browser) -> Iterator[Callable[..., Visit]]:
    """visit(url, **context options) -> the page opened in a fresh browser context."""
    contexts: list[BrowserContext] = []

    def open_page(url: str, **options: Any) -> Visit:
        context = browser.new_context(**options)
        contexts.append(context)
        # A source's link opens the owner's site: answered here, the network is not reached.
        context.route("https://maya.example.dev/**", lambda route: route.fulfill(body="<title>source</title>"))
        page = context.new_page()
        seen = Visit(context, page)
        page.on("pageerror", lambda error: seen.errors.append(str(error)))
        # Chromium logs every 4xx as "Failed to load resource": answers the widget handles.
        page.on("console", lambda m: seen.errors.append(m.text) if _unexpected(m) else None)

        def dismiss(dialog: Dialog) -> None:
            seen.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", dismiss)

        def record(request: Request) -> None:
            if request.method == "POST" and request.url.endswith("/api/chat"):
                seen.chats.append(request.post_data_json)

        page.on("request", record)
        page.add_init_script(RECORD_VIOLATIONS)
        response = page.goto(url, wait_until="load")
        assert response is not None and response.status == 200
        seen.widget.locator(".bubble").first.wait_for()
        return seen

    yield open_page
    for context in contexts:
        context.close()


def _unexpected(message: ConsoleMessage) -> bool:
    return message.type == "error" and not message.text.startswith("Failed to load resource")


def _assert_inert(seen: Visit) -> None:
    """Nothing ran, no element came from the server's text, and every link is http(s)."""
    assert seen.page.evaluate("window.__pwned") is None
    assert seen.dialogs == [] and seen.errors == []
    assert seen.shadow("return root.querySelectorAll('img, script, iframe, object, embed').length") == 0
    hrefs = seen.shadow("return [...root.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert all(re.match(r"https?://", href) for href in hrefs), hrefs
    handlers = "[...root.querySelectorAll('*')].flatMap(e => [...e.attributes]).filter(a => a.name.startsWith('on'))"
    assert seen.shadow(f"return {handlers}.length") == 0


def test_demo_streams_a_cited_answer(
    folio: Callable[..., Folio], visit: Callable[..., Visit], fake_llm: FakeLLM
) -> None:
    # GIVEN folio with Groq (faked, sending its answer's chunks over two seconds) and the demo page
    server = folio(groq_base_url=fake_llm.url, **GROQ)
    transcript = _transcript(server)
    fake_llm.mode, fake_llm.reply_text, fake_llm.trickle_seconds = "trickle", CITED.format(n=transcript["n"]), 2.0
    seen = visit(f"{server.url}/demo")
    # WHEN a visitor opens the chat with the keyboard and asks
    seen.open_by_keyboard()
    seen.page.keyboard.type(QUESTION)
    seen.page.keyboard.press("Enter")
    # THEN part of the answer is on screen while it is still being written
    seen.page.wait_for_function(
        "() => [...document.querySelector('folio-chat').shadowRoot.querySelectorAll('.bot[aria-busy=true] .text')]"
        ".some(t => t.textContent.length > 0)"
    )
    partial = seen.widget.locator(".bot[aria-busy=true] .text").inner_text()
    assert partial and SHOWN.startswith(partial) and partial != SHOWN
    # AND then the whole answer, its citation renumbered as a link to the source, and the source listed
    answer = seen.answers().first
    answer.wait_for()
    assert answer.locator(".text").inner_text() == SHOWN
    citation = answer.locator("a.cite")
    assert citation.inner_text() == "[1]" and citation.get_attribute("href") == TRANSCRIPT
    assert citation.get_attribute("rel") == "noopener noreferrer"
    (source,) = answer.locator(".src li").all()
    assert source.inner_text() == f"{transcript['title']} — {transcript['section']}".removesuffix(" — ")
    assert source.locator("a").get_attribute("href") == TRANSCRIPT
    # AND the citation opens the source
    with seen.page.expect_popup() as popup:
        citation.click()
    assert popup.value.url == TRANSCRIPT
    # AND the page's strict policy (script-src 'self', connect-src 'self') blocked nothing
    assert seen.violations() == [] and seen.errors == []
    assert seen.chats == [{"message": QUESTION}]


def test_a_follow_up_keeps_the_session_and_a_new_conversation_drops_it(
    folio: Callable[..., Folio], visit: Callable[..., Visit]
) -> None:
    # GIVEN the demo page, answered without an LLM (extractive answers)
    server = folio()
    seen = visit(f"{server.url}/demo")
    seen.open_by_keyboard()
    # WHEN the visitor asks, then asks again, then again after reloading the page
    first = seen.ask(QUESTION)
    assert first.locator("a.cite").first.get_attribute("href") == TRANSCRIPT
    session = seen.session(server)
    assert session and session.startswith("s1")
    seen.ask(FOLLOW_UP)
    seen.page.reload()
    seen.widget.locator(".bubble").click()
    seen.ask("Which courses did she take?")
    # THEN the first question started the conversation and the others continued it
    assert [chat.get("session_id") for chat in seen.chats] == [None, session, session]
    # WHEN the visitor starts a new conversation
    seen.widget.get_by_role("button", name="New conversation").click()
    # THEN the log holds only the welcome, the session is forgotten, and the next question starts afresh
    assert seen.widget.locator(".msg").count() == 1
    assert seen.session(server) is None
    assert seen.shadow("return root.activeElement.id") == "question"
    seen.ask(QUESTION)
    assert "session_id" not in seen.chats[-1]
    assert seen.session(server) not in (None, session)
    assert seen.errors == []


def test_an_expired_session_starts_a_new_conversation(folio: Callable[..., Folio], visit: Callable[..., Visit]) -> None:
    server = folio()
    seen = visit(f"{server.url}/demo")
    forged = "s1" + "A" * 45
    seen.page.evaluate(f"sessionStorage.setItem('folio-session:{server.url}', '{forged}')")
    seen.open_by_keyboard()
    answer = seen.ask(QUESTION)
    # The 401 (invalid_session) is told, and the question asked again without the session
    assert answer.locator("a.cite").count() == 1
    assert "starts a new one" in seen.widget.locator(".msg").nth(2).inner_text()
    assert [chat.get("session_id") for chat in seen.chats] == [forged, None]
    assert seen.session(server) not in (None, forged)


def test_a_429_is_told_with_its_reason_and_when_to_come_back(
    folio: Callable[..., Folio], visit: Callable[..., Visit]
) -> None:
    # GIVEN one question per conversation per hour
    server = folio(session_questions_per_hour=1)
    seen = visit(f"{server.url}/demo")
    refused: list[tuple[int, str | None]] = []
    seen.page.on(
        "response",
        lambda r: refused.append((r.status, r.headers.get("retry-after"))) if r.url.endswith("/api/chat") else None,
    )
    seen.open_by_keyboard()
    seen.ask(QUESTION)
    # WHEN the visitor asks a second question in that conversation
    answer = seen.ask(FOLLOW_UP)
    # THEN folio's own sentence is shown, and when to come back from Retry-After
    status, retry_after = refused[-1]
    assert status == 429 and retry_after is not None and int(retry_after) > 90
    problem = answer.locator(".problem").inner_text()
    assert problem.startswith("This conversation has reached its limit of questions for the hour. Please come back in")
    assert re.search(r"You can ask again at \d{1,2}:\d{2}", problem), problem
    assert answer.locator("small").inner_text().startswith("Reference: ")
    # AND the visitor can still type (the widget is not stuck)
    assert seen.widget.locator(".send").is_enabled()
    assert seen.errors == []


def test_a_hostile_llm_reply_renders_inertly(
    folio: Callable[..., Folio], visit: Callable[..., Visit], fake_llm: FakeLLM
) -> None:
    # GIVEN an LLM whose reply carries a script, an image with onerror, javascript: links and a fake citation
    server = folio(groq_base_url=fake_llm.url, **GROQ)
    fake_llm.reply_text = HOSTILE_REPLY.format(n=_transcript(server)["n"])
    seen = visit(f"{server.url}/demo")
    seen.open_by_keyboard()
    # WHEN it answers in the widget
    answer = seen.ask(QUESTION)
    # THEN its text is text: nothing ran, no element came of it, the one real citation links its source
    _assert_inert(seen)
    assert "She got an A- [1] in Database Internals." in answer.locator(".text").inner_text()
    assert [a.get_attribute("href") for a in answer.locator(".text a").all()] == [TRANSCRIPT]
    assert seen.violations() == []


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


def _source(n: int, url: str, title: str) -> dict[str, Any]:
    return {"n": n, "id": f"id{n}", "title": title, "section": "Notes", "url": url, "snippet": "…", "score": 0.5}


def test_a_hostile_stream_renders_inertly_even_past_the_server(
    folio: Callable[..., Folio], visit: Callable[..., Visit]
) -> None:
    """The widget's own defence: a response folio would never send (it drops such URLs and tags)."""
    server = folio()
    seen = visit(f"{server.url}/demo")
    answer_text = (
        "<script>window.__pwned = 1</script><img src=x onerror='window.__pwned = 2'> See [1], [2], [3] and [4]."
    )
    sources = [
        _source(1, "javascript:window.__pwned = 3", "Plain title"),
        _source(2, "https://ok.example/page", "<img src=x onerror='window.__pwned = 4'>"),
        _source(3, " JAVASCRIPT:window.__pwned = 5", "Upper"),
        _source(4, "data:text/html,<script>window.__pwned = 6</script>", "Data"),
    ]
    done = {
        "answer": answer_text,
        "sources": sources,
        "grounded": True,
        "provider": "groq",
        "cached": False,
        "session_id": "s1" + "B" * 45,
        "request_id": "r" * 32,
    }
    body = (
        _event("sources", {"sources": sources, "session_id": done["session_id"], "request_id": done["request_id"]})
        + _event("token", {"text": answer_text})
        + _event("done", done)
    )
    seen.page.route(
        f"{server.url}/api/chat",
        lambda route: route.fulfill(status=200, body=body, headers={"content-type": "text/event-stream"}),
    )
    seen.open_by_keyboard()
    answer = seen.ask(QUESTION)
    _assert_inert(seen)
    assert answer.locator(".text").inner_text() == answer_text
    assert [a.get_attribute("href") for a in answer.locator("a").all()] == ["https://ok.example/page"] * 2
    assert answer.locator(".src li").all_inner_texts() == [
        "Plain title — Notes",
        "<img src=x onerror='window.__pwned = 4'> — Notes",
        "Upper — Notes",
        "Data — Notes",
    ]
    # No answer_id: no thumbs
    assert answer.locator(".thumb").count() == 0


def test_other_failures_are_told_kindly(folio: Callable[..., Folio], visit: Callable[..., Visit]) -> None:
    """What a visitor reads when folio cannot answer: never a status code, a stack or a blank."""
    server = folio()
    seen = visit(f"{server.url}/demo")
    error = {"error": {"code": "unavailable", "message": "The index is not ready.", "request_id": "rid-503"}}
    sources = {"sources": [], "session_id": "s1" + "D" * 45, "request_id": "rid-stream"}
    replies: list[Callable[[PlaywrightRoute], None]] = [
        lambda route: route.abort("connectionrefused"),
        lambda route: route.fulfill(status=503, json=error),
        lambda route: route.fulfill(
            body=_event("sources", sources) + _event("token", {"text": "She got"}),
            headers={"content-type": "text/event-stream"},
        ),
        lambda route: route.fulfill(
            body=_event("sources", sources) + _event("error", error) + _event("done", error),
            headers={"content-type": "text/event-stream"},
        ),
    ]
    seen.page.route(f"{server.url}/api/chat", lambda route: replies.pop(0)(route))
    seen.open_by_keyboard()
    told = [seen.ask(QUESTION).locator(".problem").inner_text() for _ in range(4)]
    assert told == [
        "The chat could not be reached. Check your connection and try again.",
        "The assistant is not available right now. Please try again later.",
        "The answer was cut short. Please ask again.",
        "The assistant is not available right now. Please try again later.",
    ]
    assert seen.widget.locator(".bot small").all_inner_texts() == ["Reference: rid-503", "Reference: rid-503"]
    assert seen.widget.locator(".bot .text").count() == 0, "a failed answer's partial text is not left standing"


def test_thumbs_give_feedback_that_the_owner_then_reads(
    folio: Callable[..., Folio], visit: Callable[..., Visit], capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN folio's own feedback route, allowing two votes per conversation per hour
    server = folio(feedback_session_per_hour=2)
    seen = visit(f"{server.url}/demo")
    sent: list[Any] = []
    seen.page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/api/feedback") else None)
    seen.open_by_keyboard()
    answer = seen.ask(QUESTION)
    session = seen.session(server)
    down = answer.get_by_role("button", name="Not helpful")
    up = answer.get_by_role("button", name="Helpful", exact=True)
    note = answer.get_by_role("status")
    # WHEN the visitor votes down, then changes their mind (by keyboard)
    down.click()
    expect(note).to_have_text("Thanks for your feedback.")
    assert down.get_attribute("aria-pressed") == "true"
    up.focus()
    seen.page.keyboard.press("Enter")
    expect(up).to_have_attribute("aria-pressed", "true")
    expect(down).to_have_attribute("aria-pressed", "false")
    expect(note).to_have_text("Thanks for your feedback.")
    # THEN each vote named this answer in this session, and the owner reads the latest with what was answered
    (answer_id,) = {vote["answer_id"] for vote in sent}
    assert sent == [
        {"session_id": session, "answer_id": answer_id, "rating": "down"},
        {"session_id": session, "answer_id": answer_id, "rating": "up"},
    ]
    assert main(["feedback", "--url", server.url, "--json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)["entries"]
    assert (entry["answer_id"], entry["rating"], entry["answered"]["question"]) == (answer_id, "up", QUESTION)
    assert entry["answered"]["answer"] == answer.locator(".text").inner_text()
    # WHEN a third vote in the conversation is one too many
    second = seen.ask(FOLLOW_UP)
    refused = second.get_by_role("button", name="Not helpful")
    refused.click()
    # THEN folio's sentence is told with when to try again, and the vote is undone
    status = second.get_by_role("status")
    expect(status).to_contain_text("This conversation has sent all the feedback it may this hour.")
    assert re.search(r"You can send feedback again at \d{1,2}:\d{2}", status.inner_text()), status.inner_text()
    assert refused.get_attribute("aria-pressed") == "false"
    assert seen.errors == []


HOST_CSS = (
    "body{font-family:'Courier New',monospace;color:rgb(255,0,0);letter-spacing:5px;text-transform:uppercase;"
    "line-height:3;text-align:right}"
    "button,div,section,p,ol,li,a,textarea,form,header,h2,span,svg{display:none!important;"
    "color:rgb(255,0,0)!important;background:rgb(255,0,0)!important;font-size:40px!important}"
    "folio-chat{--folio-accent:rgb(0,128,0)}"
)
HOST_CSS_HASH = base64.b64encode(hashlib.sha256(HOST_CSS.encode()).digest()).decode()


@pytest.fixture
def host_site() -> Iterator[tuple[str, dict[str, str]]]:
    """Another site's page embedding the widget, under the policy docs/frontend.md tells a site to
    send (script-src and connect-src for folio): (its origin, where to put folio's URL)."""
    config: dict[str, str] = {}

    async def page(_request: StarletteRequest) -> HTMLResponse:
        folio = config["folio"]
        html = (
            f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Host</title><style>{HOST_CSS}</style>"
            f"</head><body><p>The host's own page.</p><script src='{folio}/widget.js' data-endpoint='{folio}' "
            "data-heading='Ask Maya' data-position='left' defer></script></body></html>"
        )
        policy = f"default-src 'none'; script-src {folio}; connect-src {folio}; style-src 'sha256-{HOST_CSS_HASH}'"
        return HTMLResponse(html, headers={"content-security-policy": policy})

    async def element(_request: StarletteRequest) -> HTMLResponse:
        folio = config["folio"]
        html = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Host</title></head><body>"
            f"<folio-chat endpoint='{folio}' heading='Placed by the page'></folio-chat>"
            "<folio-chat endpoint='javascript:alert(1)' position='left' heading='Misconfigured'></folio-chat>"
            f"<script src='{folio}/widget.js' data-mount='none' defer></script></body></html>"
        )
        return HTMLResponse(html, headers={"content-security-policy": f"script-src {folio}; connect-src {folio}"})

    app = Starlette(routes=[Route("/", page), Route("/element", element)])
    with UvicornServer(app, lifespan="off", name="host") as host:
        yield f"http://localhost:{host.port}", config


def test_another_sites_page_embeds_it_across_origins_and_its_css_does_not_leak_in(
    folio: Callable[..., Folio], visit: Callable[..., Visit], host_site: tuple[str, dict[str, str]]
) -> None:
    # GIVEN folio allowing the host site's origin, and the host's page with CSS that hides and
    # recolours every button, div and text element it can reach
    origin, config = host_site
    server = folio(allowed_origins=[origin])
    config["folio"] = server.url
    seen = visit(f"{origin}/")
    # WHEN a visitor opens the widget and asks
    bubble = seen.widget.locator(".bubble")
    assert bubble.is_visible()
    bubble.click()
    answer = seen.ask(QUESTION)
    # THEN the answer arrived across origins (CORS preflight, CORP) with nothing blocked
    assert answer.locator("a.cite").get_attribute("href") == TRANSCRIPT
    assert seen.violations() == [] and seen.errors == []
    # AND the widget looks like itself: the host's rules did not reach inside, its inherited text
    # styles were reset, and only its --folio-* theme variable applied
    style = seen.shadow(
        "const s = getComputedStyle(root.querySelector('.bot .text'));"
        "const b = getComputedStyle(root.querySelector('.bubble'));"
        "const p = root.querySelector('.panel').getBoundingClientRect();"
        "return {color: s.color, font: s.fontFamily, spacing: s.letterSpacing, transform: s.textTransform,"
        " align: s.textAlign, size: s.fontSize, bubble: b.backgroundColor, left: p.left}"
    )
    assert style["color"] != "rgb(255, 0, 0)" and "Courier" not in style["font"]
    assert (style["spacing"], style["transform"], style["align"], style["size"]) == ("normal", "none", "start", "15px")
    assert style["bubble"] == "rgb(0, 128, 0)"
    assert style["left"] == 20, "data-position='left'"
    assert seen.widget.get_by_role("textbox", name="Your question").is_visible()


def test_reduced_motion_and_dark_scheme_are_honoured(folio: Callable[..., Folio], visit: Callable[..., Visit]) -> None:
    server = folio()
    probe = (
        "root.querySelector('.bubble').click();"
        "const dots = document.createElement('span'); dots.className = 'dots';"
        "dots.append(document.createElement('i'));"
        "root.querySelector('.log').append(dots);"
        "const panel = getComputedStyle(root.querySelector('.panel'));"
        "const found = {transition: panel.transitionDuration, background: panel.backgroundColor,"
        " animation: getComputedStyle(dots.firstChild).animationName,"
        " scroll: getComputedStyle(root.querySelector('.log')).scrollBehavior};"
        "dots.remove(); return found;"
    )
    calm = visit(f"{server.url}/demo", reduced_motion="reduce", color_scheme="dark").shadow(probe)
    lively = visit(f"{server.url}/demo", reduced_motion="no-preference", color_scheme="light").shadow(probe)
    assert (calm["transition"], calm["animation"], calm["scroll"]) == ("0s", "none", "auto")
    assert lively["transition"] != "0s" and lively["animation"] == "folio-pulse" and lively["scroll"] == "smooth"
    assert calm["background"] == "rgb(23, 25, 29)" and lively["background"] == "rgb(255, 255, 255)"


def test_escape_closes_the_panel_and_returns_focus(folio: Callable[..., Folio], visit: Callable[..., Visit]) -> None:
    server = folio()
    seen = visit(f"{server.url}/demo")
    seen.open_by_keyboard()
    bubble = seen.widget.locator(".bubble")
    assert bubble.get_attribute("aria-expanded") == "true"
    assert seen.widget.get_by_role("log", name="Conversation").get_attribute("aria-live") == "polite"
    assert seen.widget.get_by_role("dialog", name="Ask about Maya Okonkwo-Lindqvist").is_visible()
    seen.page.keyboard.press("Escape")
    expect(seen.widget.get_by_role("dialog")).to_be_hidden()
    assert bubble.get_attribute("aria-expanded") == "false"
    assert seen.shadow("return root.activeElement.classList.contains('bubble')")


def test_the_element_placed_by_a_page(
    folio: Callable[..., Folio], visit: Callable[..., Visit], host_site: tuple[str, dict[str, str]]
) -> None:
    """<folio-chat> elements of the page's own, the script loaded with data-mount="none"."""
    origin, config = host_site
    server = folio(allowed_origins=[origin])
    config["folio"] = server.url
    seen = visit(f"{origin}/element")
    placed, misconfigured = seen.page.locator("folio-chat").all()
    assert seen.page.locator("folio-chat").count() == 2, "no automatic one besides"
    placed.locator(".bubble").click()
    assert placed.get_by_role("dialog", name="Placed by the page").is_visible()
    seen.page.keyboard.type(QUESTION)
    seen.page.keyboard.press("Enter")
    placed.locator(".bot[aria-busy=false]").wait_for()
    assert placed.locator("a.cite").get_attribute("href") == TRANSCRIPT
    # An endpoint that is not http(s) is refused, said so, and nothing can be sent
    misconfigured.locator(".bubble").click()
    assert misconfigured.locator(".msg").inner_text() == "This chat is not set up: it has no endpoint."
    assert misconfigured.locator(".send").is_disabled()
    assert seen.dialogs == [] and seen.errors == [] and seen.violations() == []
