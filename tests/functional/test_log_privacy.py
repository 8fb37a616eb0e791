"""Logs never carry secrets, session ids or visitors' questions (checked on everything logged)."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import pytest

from folio.logs import JsonFormatter
from tests.support.lambdas import body_of, load_event

if TYPE_CHECKING:
    from tests.fakes.llm_server import FakeLLM

SECRETS = {
    "api": "site-key-abcdef0123456789",
    "admin": "admin-key-abcdef0123456789",
    "groq": "gsk_secret_abcdef0123456789",
    "session": "session-secret-" + "z" * 32,
}
QUESTION = "What grade did she get in Database Internals? my phone is 555-0199"


# At DEBUG the groq SDK logs each request's options (the whole prompt), httpx and botocore their
# traffic: other libraries stay at WARNING whatever FOLIO_LOG_LEVEL says.
LEVELS = pytest.mark.parametrize("level", ["INFO", "DEBUG"])


@LEVELS
def test_a_full_conversation_logs_no_secret_or_question(serve: Any, fake_llm: FakeLLM, caplog: Any, level: str) -> None:
    caplog.set_level(logging.DEBUG)
    fake_llm.script = ["server_error"]  # one provider failure gets logged too
    client = serve(
        log_level=level,
        api_keys=[SECRETS["api"]],
        admin_key=SECRETS["admin"],
        groq_api_key=SECRETS["groq"],
        groq_base_url=fake_llm.url,
        session_secret=SECRETS["session"],
        llm_max_retries=0,
    )
    first = client.post("/api/chat", json={"message": QUESTION}, headers={"x-api-key": SECRETS["api"]}).json()
    session = first["session_id"]
    client.post("/api/chat", json={"message": QUESTION, "session_id": session}, headers={"x-api-key": SECRETS["api"]})
    client.post("/api/chat", json={"message": QUESTION}, headers={"x-api-key": "wrong-key-0123456789"})
    client.get("/health/detailed", headers={"authorization": f"Bearer {SECRETS['admin']}"})
    formatter = JsonFormatter()
    logged = "\n".join(formatter.format(record) for record in caplog.records)
    assert "llm provider failed" in logged, "the test saw the logs it means to check"
    assert logging.getLogger("folio.chat").isEnabledFor(logging.DEBUG) is (level == "DEBUG")
    for value in [*SECRETS.values(), session, "wrong-key-0123456789", "555-0199", "Database Internals"]:
        assert value not in logged, f"{value!r} leaked into the logs"


@LEVELS
def test_lambda_logs_carry_no_secret_or_question(
    invoke: Any, fake_llm: FakeLLM, capsys: Any, caplog: Any, level: str
) -> None:
    """Powertools writes folio's lines to stderr; other libraries' records reach the root logger,
    where the Lambda runtime's handler (here caplog's) writes them."""
    caplog.set_level(logging.DEBUG)
    fake_llm.script = ["server_error"]
    handler = invoke(
        "chat",
        log_level=level,
        api_keys=[SECRETS["api"]],
        groq_api_key=SECRETS["groq"],
        groq_base_url=fake_llm.url,
        session_secret=SECRETS["session"],
        llm_max_retries=0,
    )
    capsys.readouterr()
    body = json.dumps({"message": QUESTION})
    first = handler(load_event("chat.json", body=body, headers={"x-api-key": SECRETS["api"]}))
    session = body_of(first)["session_id"]
    follow_up = json.dumps({"message": QUESTION, "session_id": session})
    handler(load_event("chat.json", body=follow_up, headers={"x-api-key": SECRETS["api"]}))
    logged = capsys.readouterr().err
    assert "llm provider failed" in logged and '"correlation_id"' in logged, "Powertools lines seen"
    logged += "\n".join(JsonFormatter().format(record) for record in caplog.records)
    for value in [*SECRETS.values(), session, "555-0199", "Database Internals"]:
        assert value not in logged, f"{value!r} leaked into the logs"


def test_questions_are_logged_when_the_owner_asks_for_them(serve: Any, caplog: Any) -> None:
    caplog.set_level(logging.INFO)
    client = serve(log_questions=True)
    long_question = "What grade did she get in Database Internals? " * 8
    client.post("/api/chat", json={"message": "What is her favourite colour?"})
    assert len(long_question) > 300
    client.post("/api/chat", json={"message": long_question})
    logged = [r for r in caplog.records if r.getMessage() == "question"]
    assert [(r.question, r.grounded, r.provider) for r in logged] == [
        ("What is her favourite colour?", False, "none"),
        (long_question[:300], True, "extractive"),
    ]
    assert any("FOLIO_LOG_QUESTIONS is on" in r.getMessage() for r in caplog.records), "a start-up warning says so"
