"""Request and response bodies. Everything past the HTTP edge sees these typed objects only."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_MESSAGE_CHARS = 500
SESSION_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
# A real id (folio.sessions), issued under the secret b"folio-docs-example" for the documentation.
SESSION_ID_EXAMPLE = "s1VMLwOvYQzMbrqgk_0tpcrc0tlkxwAtRmU5jWWRowklAww"
SESSION_ID_TEXT = "Issued by the server: 's1', 16 random characters, the expiry and a signature (47 characters)."
ANSWER_ID_EXAMPLE = "a1EtXYANckqCWtzW6xb6bDoMxshTKTGI5dT-k7LA"  # given in SESSION_ID_EXAMPLE's session
ANSWER_ID_TEXT = "Issued by the server: 'a1', 16 random characters and a signature binding it to its session (40)."
_WHITESPACE = re.compile(r"\s+")
_CHAR_RUN = re.compile(r"(.)\1{15,}")
_PATTERN_RUN = re.compile(r"(.{2,24}?)\1{5,}")


def clean_message(raw: str) -> str:
    """Drop control and format characters, collapse whitespace, strip."""
    kept = "".join(" " if ch in "\t\n\r" else ch for ch in raw if unicodedata.category(ch)[0] != "C" or ch in "\t\n\r")
    return _WHITESPACE.sub(" ", kept).strip()


def repetition_problem(text: str) -> str | None:
    if _CHAR_RUN.search(text):
        return "the message repeats one character too many times"
    if _PATTERN_RUN.search(text):
        return "the message repeats the same text too many times"
    words = text.lower().split()
    if len(words) >= 8 and Counter(words).most_common(1)[0][1] > len(words) // 2:
        return "the message repeats the same word too many times"
    return None


class ChatRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"message": "Where did she study, and what was her thesis about?"}]},
    )

    message: str = Field(
        description=f"The visitor's question: 1-{MAX_MESSAGE_CHARS} characters after whitespace is collapsed.",
    )
    session_id: str | None = Field(
        None,
        pattern=SESSION_ID_PATTERN,
        description=f"The session id returned by an earlier answer, to continue a conversation. {SESSION_ID_TEXT}",
        examples=[SESSION_ID_EXAMPLE],
    )
    doc_type: str | None = Field(
        None,
        pattern=r"^[a-z][a-z0-9_-]{0,31}$",
        description="Only search documents of this type (resume, education, project, ...).",
    )

    @field_validator("message", mode="before")
    @classmethod
    def _clean(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = clean_message(value)
        if not text:
            raise ValueError("the message is empty")
        if len(text) > MAX_MESSAGE_CHARS:
            raise ValueError(f"the message is longer than {MAX_MESSAGE_CHARS} characters")
        problem = repetition_problem(text)
        if problem:
            raise ValueError(problem)
        return text


UNTRUSTED = (
    "Untrusted text, from the owner's documents or an LLM: control characters, HTML and Markdown "
    "links are removed, but render it as text (textContent), never as HTML."
)


class Source(BaseModel):
    n: int = Field(description="The number the answer cites as [n].")
    id: str
    title: str = Field(description=f"The document's title. {UNTRUSTED}")
    section: str = Field(description=f"The section's heading path. {UNTRUSTED}")
    url: str = Field(
        description="The document's link: http(s), mailto or a path on the site; empty when it had another."
    )
    snippet: str = Field(description=f"The passage's text, shortened. {UNTRUSTED}")
    score: float = Field(description="Cosine similarity between the question and the passage.")


class ChatResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "answer": "She holds an MSc in Distributed Systems from the Vestmark Institute of Technology [1].",
                    "sources": [
                        {
                            "n": 1,
                            "id": "3f9c0a1b2c3d4e5f6a7b",
                            "title": "Education",
                            "section": "Master of Science in Distributed Systems",
                            "url": "https://maya.example.dev/education",
                            "snippet": "Master of Science in Distributed Systems, Vestmark Institute of Technology...",
                            "score": 0.61,
                        }
                    ],
                    "grounded": True,
                    "provider": "groq",
                    "cached": False,
                    "session_id": SESSION_ID_EXAMPLE,
                    "answer_id": ANSWER_ID_EXAMPLE,
                    "request_id": "9f1c2e7a4b5d4c0e8a6b3d2f1e0c9b8a",
                }
            ]
        }
    )

    answer: str = Field(description=f"Plain text with [n] citations, line breaks and simple '- ' lists. {UNTRUSTED}")
    sources: list[Source]
    grounded: bool = Field(description="False when the documents do not cover the question.")
    provider: Literal["groq", "ollama", "extractive", "none"] = Field(
        description="Who wrote the answer: an LLM, the extractive fallback, or none (nothing relevant found)."
    )
    cached: bool
    session_id: str = Field(description=f"Send it back to continue the conversation. {SESSION_ID_TEXT}")
    answer_id: str = Field(description=f"Send it with feedback on this answer (POST /api/feedback). {ANSWER_ID_TEXT}")
    request_id: str


class StreamSources(BaseModel):
    """The first event of a streamed answer: the passages retrieved, numbered as the LLM saw them."""

    sources: list[Source]
    session_id: str
    request_id: str


class StreamToken(BaseModel):
    """A piece of the answer's text, to append to the pieces before it."""

    text: str = Field(description=f"Citations are numbered as in the done event's sources. {UNTRUSTED}")


class ErrorDetail(BaseModel):
    code: str
    message: str
    request_id: str
    details: list[dict[str, Any]] | None = None


class ErrorBody(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "error": {
                        "code": "validation_error",
                        "message": "message: the message is empty",
                        "request_id": "9f1c2e7a4b5d4c0e8a6b3d2f1e0c9b8a",
                    }
                }
            ]
        }
    )

    error: ErrorDetail


class SkippedFile(BaseModel):
    source: str
    error: str


class IngestResponse(BaseModel):
    files: int
    chunks: int
    added: int
    updated: int
    removed: int
    unchanged: int
    embedded: int
    skipped: list[SkippedFile]
    reembedded: str | None = Field(
        None, description="why every chunk was embedded again: the index's vectors were made by another model"
    )
    index_version: int | None
    corpus_version: str | None
    seconds: float
    timings: dict[str, float] = Field(default_factory=dict, description="seconds per ingest phase")
    request_id: str


class HealthStatus(BaseModel):
    status: Literal["ok", "degraded", "unavailable"]
    checks: dict[str, Any] = Field(default_factory=dict)
    request_id: str


MAX_COMMENT_CHARS = 1000


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "session_id": SESSION_ID_EXAMPLE,
                    "answer_id": ANSWER_ID_EXAMPLE,
                    "rating": "down",
                    "comment": "She studied at Vestmark, not Oslo.",
                }
            ]
        },
    )

    session_id: str = Field(pattern=SESSION_ID_PATTERN, description=f"The answer's session_id. {SESSION_ID_TEXT}")
    answer_id: str = Field(pattern=SESSION_ID_PATTERN, description=f"The answer's answer_id. {ANSWER_ID_TEXT}")
    rating: Literal["up", "down"]
    comment: str | None = Field(
        None,
        description=f"What was wrong or right: at most {MAX_COMMENT_CHARS} characters after whitespace is "
        "collapsed and control characters are dropped; blank is no comment.",
    )

    @field_validator("comment", mode="before")
    @classmethod
    def _clean(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = clean_message(value)
        if len(text) > MAX_COMMENT_CHARS:
            raise ValueError(f"the comment is longer than {MAX_COMMENT_CHARS} characters")
        return text or None


class FeedbackResponse(BaseModel):
    status: Literal["recorded"]
    replaced: bool = Field(description="True when it replaces earlier feedback on the same answer (the latest counts).")
    request_id: str


class RatedSource(BaseModel):
    n: int
    title: str
    section: str
    url: str


class RatedAnswer(BaseModel):
    """What the server answered, as it kept it: never what a client says it was."""

    question: str
    answer: str
    sources: list[RatedSource]
    provider: str
    grounded: bool
    cached: bool
    asked_at: datetime


class FeedbackEntry(BaseModel):
    answer_id: str
    rating: Literal["up", "down"]
    comment: str | None
    at: datetime
    answered: RatedAnswer | None = Field(
        description="None when the answer was no longer kept (past its session's lifetime, or given while "
        "the store was unreachable)."
    )


class FeedbackList(BaseModel):
    entries: list[FeedbackEntry] = Field(description="Down-voted first, then the newest first.")
    since: datetime
    truncated: bool = Field(description="True when more feedback was given in the window than one answer lists.")
    request_id: str
