"""How to reach the owner: the lines that give a channel (an e-mail address, a profile, a phone
or messenger field), from the section of the documents that gives most of them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from folio.answers.evidence import fields, under_negation
from folio.answers.text import CANON, EMAIL, PROFILE, heading_stems, stem

if TYPE_CHECKING:
    from folio.answers.corpus import Located
    from folio.answers.question import Question

_CONTACT = CANON[stem("contact")]
# What a contact question may say besides "contact": "What's the best way to contact him?",
# "What is her email address?", "Contact details?".
_FILLERS = frozenset(stem(w) for w in ("best", "way", "what", "prefer", "preferred", "address", "details", "channel"))
_MAILED = re.compile(r"\be-?mail\b", re.IGNORECASE)
_CHANNEL = re.compile(r"\b(?:e-?mail|phone|mobile|linkedin|github|gitlab|mastodon|signal|telegram)\b", re.IGNORECASE)


def asks_contact(q: Question) -> bool:
    """ "How can I contact him?", "How do I get in touch with Wren?", "What's her email?"."""
    return _CONTACT in q.terms and not q.entities and set(q.terms) - _FILLERS - q.owner <= {_CONTACT}


def contact_lines(q: Question, outline: list[Located]) -> list[Located]:
    """The lines to reach the owner by: those of the section that gives most channels (all its
    lines when it is a contact section or mostly channels), or only e-mail addresses when an
    e-mail is asked for. None when the documents give no channel."""
    wanted = _is_email if _MAILED.search(q.text) else _is_channel
    sections: dict[tuple[int, tuple[str, ...]], list[Located]] = {}
    for loc in outline:
        if loc.unit.kind != "heading" and not under_negation(loc.unit):
            sections.setdefault((loc.row, loc.unit.path), []).append(loc)
    # An address counts twice: the header line "Cork, Ireland · rory@dunleavy.ie" over a field
    # that names a channel.
    scored = {at: sum(wanted(loc) + _is_email(loc) for loc in lines) for at, lines in sections.items()}
    best = max(scored, key=lambda at: (scored[at], _named_contact(at[1])), default=None)
    if best is None or not scored[best]:
        return []
    lines = sections[best]
    channels = [loc for loc in lines if wanted(loc)]
    whole = wanted is _is_channel and (_named_contact(best[1]) or 2 * len(channels) >= len(lines))
    return lines if whole else channels


def _is_email(loc: Located) -> bool:
    return bool(EMAIL.search(loc.unit.text))


def _is_channel(loc: Located) -> bool:
    unit = loc.unit
    if EMAIL.search(unit.text) or PROFILE.search(unit.text):
        return True
    # A field of a channel ("Phone: not listed", "Type: signal", "Preferred: email"), not a word
    # in passing ("Capstone: ... run in GitHub Actions", "GitLab CI" among skills).
    return unit.kind == "pair" and any(
        _CHANNEL.search(key) or (_CHANNEL.search(value) and len(value.split()) <= 3) for key, value in fields(unit.text)
    )


def _named_contact(path: tuple[str, ...]) -> bool:
    return bool(path) and _CONTACT in heading_stems(path[-1])
