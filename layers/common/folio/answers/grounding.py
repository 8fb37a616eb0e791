"""An LLM reply reaches a visitor only when it cites the sources it was given."""

from __future__ import annotations

import re

from folio.citations import renumber

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
