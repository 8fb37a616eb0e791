"""Follow-ups: which earlier question a turn leans on, deterministically and without an LLM.

"Tell me about the Larkspur feature store" -> "What was its p99 latency?" -> "Which languages was
it written in?": the last two refer back, so both are searched and answered with the first one's
topic. "more?" or "go on" repeats the topic question and skips the lines already shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from folio.answers.question import ABOUT_ONE, Kind
from folio.answers.text import BROADER, stem
from folio.answers.writing import unquoted

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from folio.answers.question import Question
    from folio.sessions import Turn

_OPENERS = ("and ", "what about", "how about", "also", "then ", "but ", "so ", "ok ", "okay ")
_REFERRING = frozenset(
    [
        "there",
        "that",
        "it",
        "its",
        "this",
        "those",
        "these",
        "them",
        "they",
        "then",
        "same",
        "else",
        "other",
    ]
)
_DEGREE = stem("degree")
_HE = frozenset(("he", "him", "his", "himself"))
_SHE = frozenset(("she", "her", "hers", "herself"))
_CITATION = re.compile(r"\s*\[\d+\]")
_THERE = re.compile(r"\bthere\b", re.IGNORECASE)
# One of the things just listed: "which one", "the Amsterdam one", "that one".
_PICK = re.compile(
    r"\b(?:(?:which|that|this|the(?:\s+[\w.-]+){1,2})\s+one|(?:which|what) (?:of (?:those|these|them)|ones))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FollowUp:
    search: str  # what retrieval searches for
    question: str  # what the answer answers
    topic: tuple[str, ...] = ()  # the names the conversation is about
    shown: frozenset[str] = frozenset()  # lines already given, for "more"
    among: tuple[str, ...] = ()  # the listed lines a follow-up picks one of ("the Amsterdam one")
    said: tuple[str, ...] = ()  # the lines the answer before it gave: the documents it is about


def follow_up(question: str, asked: Question, history: Sequence[Turn], analyse: Callable[[str], Question]) -> FollowUp:
    if not history:
        return FollowUp(question, question)
    anchor = _anchor(history, analyse)
    if analyse(history[anchor].question).vague:
        # The visitor answers a clarifying question ("Experience?" ... "projects"): a topic of its own.
        return FollowUp(question, f"Tell me about {question}" if asked.vague else question)
    if asked.vague:
        shown = frozenset(line for turn in history[anchor:] for line in answer_lines(turn.answer))
        return FollowUp(
            history[anchor].question, history[anchor].question, _topic(analyse(history[anchor].question)), shown
        )
    earlier = history[anchor].question
    listed = answer_lines(history[-1].answer)
    if _PICK.search(question) and len(listed) >= 2:
        # "What conference talks has he given?" -> "Which one was about haptics?"
        return FollowUp(f"{earlier} {question}", question, among=tuple(listed))
    if not _refers(question, asked):
        return FollowUp(question, question)
    if _THERE.search(question) and not asked.entities and analyse(earlier).kind is Kind.PLACE and listed:
        # "Where did she work before Kerlys?" -> "How long was she there?": there is the place the
        # answer gave (Solvane), not the one the question named. (A question naming its own thing,
        # "what grade did she get in Database Internals there?", is searched with the earlier one.)
        return FollowUp(f"{listed[0]} {question}", question)
    return FollowUp(f"{earlier} {question}", question, _topic(analyse(earlier)), said=tuple(listed))


def _topic(asked: Question) -> tuple[str, ...]:
    """The names a question is about; of a short "What's flakewatch?", its words when none is a name."""
    if asked.entities:
        return asked.entities
    if ABOUT_ONE.match(asked.text) and len(asked.terms) <= 2:
        return asked.terms
    # "What did he study for his master's?" -> "Was it full-time?": the degree it was.
    return tuple(t for t in asked.terms if t in BROADER and BROADER[t] == _DEGREE)


def answer_lines(answer: str) -> list[str]:
    """The quoted lines of an earlier answer, without citation marks or the lead-in."""
    lines = []
    for raw in answer.splitlines():
        line = _CITATION.sub("", raw).strip().removeprefix("- ")
        if ": " in line and line.split(": ", 1)[0].endswith("documents"):
            line = line.split(": ", 1)[1]
        line = unquoted(line)
        if line and not line.endswith(":"):
            lines.append(line)
    return lines


def _anchor(history: Sequence[Turn], analyse: Callable[[str], Question]) -> int:
    """The latest turn that stands on its own: the conversation's topic."""
    for n in range(len(history) - 1, -1, -1):
        asked = analyse(history[n].question)
        if not asked.vague and not _refers(history[n].question, asked):
            return n
    return 0


def _refers(question: str, asked: Question) -> bool:
    lowered = question.lower().strip()
    tokens = {w.strip("?.,!;:'\"") for w in lowered.split()}
    # "his thesis with her": one of them is someone the conversation named (his PhD advisor).
    someone = bool(tokens & _HE) and bool(tokens & _SHE)
    return lowered.startswith(_OPENERS) or bool(tokens & _REFERRING) or someone or not asked.terms
