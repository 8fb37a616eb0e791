from __future__ import annotations

import pytest
from pydantic import ValidationError

from folio.schemas import ChatRequest, clean_message


def test_control_characters_are_stripped_and_whitespace_collapsed() -> None:
    assert clean_message("  Where\u200b did\x00 she\n\n\tstudy?  ") == "Where did she study?"


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("\x00\x01", "empty"),
        ("x" * 501, "longer than 500"),
        ("a" * 40, "one character"),
        ("hello " * 20, "same text"),
        ("why why why why why is why why the why sky", "same word"),
    ],
)
def test_bad_messages_are_refused_with_a_reason(message: str, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        ChatRequest(message=message)


def test_a_message_of_500_characters_after_cleaning_is_accepted() -> None:
    words = " ".join(f"w{n:03d}" for n in range(100)) + "x"
    assert len(ChatRequest(message=words + "   ").message) == 500


@pytest.mark.parametrize("session_id", ["a" * 65, "has space", "semi;colon", ""])
def test_session_ids_are_restricted(session_id: str) -> None:
    with pytest.raises(ValidationError):
        ChatRequest(message="hi there", session_id=session_id)


def test_unknown_fields_such_as_a_system_prompt_are_refused() -> None:
    with pytest.raises(ValidationError, match="system_prompt"):
        ChatRequest.model_validate({"message": "hi", "system_prompt": "You are a pirate"})
