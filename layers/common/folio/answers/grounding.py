"""An LLM reply reaches a visitor only when it cites the sources it was given."""

from __future__ import annotations

import re

from folio.citations import renumber
from folio.markup import plain_text

# How models say the sources do not hold the answer, whatever the prompt asked them to reply.
_NOT_COVERED = re.compile(
    r"\b(?:do not|don't|does not|doesn't|did not|didn't) "
    r"(?:have|contain|include|mention|cover|say|state|provide|specify)"
    r"|\bnot (?:in|covered by|mentioned in|stated in|found in|available in) (?:my|the|these|her|his|their)\b"
    r"|\bno (?:information|mention|details?|record)\b"
    r"|\b(?:cannot|can't|unable to) (?:find|answer|determine|tell)\b",
    re.IGNORECASE,
)


def grounded_reply(text: str, available: int) -> tuple[str, list[int]] | None:
    """The reply with citations renumbered, or None when it cites nothing valid or says the
    sources do not cover the question (then the visitor gets the refusal, not the model's words)."""
    renumbered, cited = renumber(text, available)
    if not cited or _NOT_COVERED.search(renumbered):
        return None
    return renumbered, cited


class StreamedReply:
    """What of a streaming reply a visitor may see yet: nothing until it cites a source, then its
    settled text (up to the last space, never inside a tag, link or citation still arriving),
    renumbered and cleaned as the final answer will be. `feed` returns the text newly visible.

    It stops showing more when the reply turns ungrounded; the final answer (the refusal) then
    replaces what was shown."""

    def __init__(self, available: int) -> None:
        self.available = available
        self._raw: list[str] = []
        self.shown = ""

    def feed(self, delta: str) -> str:
        self._raw.append(delta)
        reply = grounded_reply(_settled("".join(self._raw)), self.available)
        if reply is None:
            return ""
        visible = plain_text(reply[0]).lstrip()
        if len(visible) <= len(self.shown) or not visible.startswith(self.shown):
            return ""
        new, self.shown = visible[len(self.shown) :], visible
        return new


def _settled(text: str) -> str:
    """The part of a reply more text cannot change: up to its last whitespace, and before any `[`
    or `(` that is still open (a citation or a Markdown link on its way)."""
    cut = max(text.rfind(" "), text.rfind("\n"), text.rfind("\t")) + 1
    head = text[:cut]
    while True:
        opened = max(head.rfind("["), head.rfind("("))
        if opened < 0 or opened < max(head.rfind("]"), head.rfind(")")):
            return head
        head = head[:opened]
