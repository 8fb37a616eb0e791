"""Drafts into the text a visitor reads, about the owner in the third person, each line cited."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from folio.answers.text import FIRST_PERSON

if TYPE_CHECKING:
    from collections.abc import Sequence

    from folio.answers.corpus import Corpus
    from folio.answers.extractive import Draft
    from folio.index import Snapshot

_WE = re.compile(r"\b(?:[Ww]e|[Oo]ur|ours|ourselves)\b")
_KIND_WORDS = 4  # a document's kind in a few words: "cover letter", "uses"
# How a document type is named when telling a visitor what the documents cover.
_TOPICS = {
    "resume": "work history",
    "cv": "work history",
    "education": "education",
    "certification": "certifications",
    "project": "projects",
    "skills": "skills",
    "about": "background",
    "transcript": "grades",
    "talk": "talks",
    "publication": "publications",
    "blog": "blog posts",
    "now": "current work",
    "reference": "references",
}


# A record that opens with its name: "Name: ISTQB Foundation; Issuer: ISTQB" reads "ISTQB Foundation
# (Issuer: ISTQB)"; "Language: German; Level: native", "German (Level: native)".
_NAME_FIRST = re.compile(r"^(?:Name|Title|Language): ([^;]+); (.+)$")


# How an answer quotes the owner's own words (Writer.draft), read back by follow-ups.
_OWN_WORDS = re.compile(r"^in .+? words, “(.*)”$")


def unquoted(line: str) -> str:
    """An answer's line without the quotation of the owner's words around it."""
    return _OWN_WORDS.sub(r"\1", line)


def named_first(text: str) -> str:
    match = _NAME_FIRST.match(text)
    return f"{match.group(1)} ({match.group(2)})" if match else text


class Writer:
    def __init__(self, owner: str) -> None:
        self.owner = owner
        first = owner.split()[0] if owner.split() else owner
        self.name = owner if owner.lower().startswith("the ") or len(owner.split()) < 2 else first

    @property
    def possessive(self) -> str:
        return f"{self.name}'" if self.name.endswith("s") else f"{self.name}'s"

    def draft(self, draft: Draft, voiced: frozenset[int] = frozenset()) -> tuple[str, list[int]]:
        """The answer text and the snapshot rows it cites, in citation order. Lines from documents
        in the owner's own voice (`voiced` rows) are quoted as theirs."""
        rows: list[int] = []

        def cite(row: int) -> str:
            if row not in rows:
                rows.append(row)
            return f"[{rows.index(row) + 1}]"

        def quote(text: str, row: int) -> str:
            # Only what the owner says of themself: folio must not say "I led ..." or "we built ...".
            own_words = row in voiced and (FIRST_PERSON.search(text) or _WE.search(text))
            return f"in {self.possessive} words, “{text}”" if own_words else text

        lines = [f"{quote(named_first(line.text), line.row)} {cite(line.row)}" for line in draft.lines]
        if draft.unmentioned:
            head = f"{self.possessive} documents mention no {draft.unmentioned}. The closest they come:"
        elif draft.lead:
            head = f"{draft.lead} — from {self.possessive} documents:"
        else:
            head = f"From {self.possessive} documents:"
        if len(lines) == 1 and not draft.listing:
            return f"{head} {lines[0]}", rows
        more = f"\n…and {draft.more} more in {self.possessive} documents." if draft.more else ""
        return head + "\n" + "\n".join(f"- {line}" for line in lines) + more, rows

    def refusal(self, corpus: Corpus | None, snapshot: Snapshot | None) -> str:
        covered = self._topics(corpus, snapshot)
        about = f" I can answer questions about {self.possessive} {covered}." if covered else ""
        return f"I don't have that in {self.possessive} documents.{about}"

    def clarify(self, corpus: Corpus, snapshot: Snapshot, *, among: Sequence[str] = (), noun: str = "") -> str:
        """A question back: which of the entries a topic lists (`among`, of the `noun` asked), else
        what of the `noun` (or of the owner), among the topics the documents cover."""
        if among:
            names = ", ".join(among[:-1]) + f" or {among[-1]}"
            return f"Which of {self.possessive} {noun} would you like to know about: {names}?"
        covered = self._topics(corpus, snapshot) or "background"
        # (Of the topic asked, in the visitor's word: "Experience?" - "... about Maya's experience?")
        about = f"{self.possessive} {noun}" if noun else self.name
        return f"What would you like to know about {about}? I can tell you about {self.possessive} {covered}."

    @staticmethod
    def _topics(corpus: Corpus | None, snapshot: Snapshot | None) -> str:
        if corpus is None or snapshot is None:
            return "background, education, work, skills and projects"
        known = [_TOPICS[t] for t in _TOPICS if t in corpus.doc_types]
        others = [
            kind
            for doc_type, rows in corpus.doc_types.items()
            if doc_type not in _TOPICS and doc_type != "faq"  # an FAQ answers about the topics, is none
            for row in rows[:2]
            if (kind := _kind(snapshot.columns["title"][row]))
        ]
        names = list(dict.fromkeys((*known, *others)))[:6]
        return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else "".join(names)


_KEPT_CASE = re.compile(r"I(?:'\w+)?|[A-Z0-9]{2,}s?")


def _kind(title: str) -> str:
    """What a document is, by its title ("Cover letter — Ansel Quintero-Vogelsang": "cover letter"),
    or "" when the title says something instead ("Verified in one sitting: rebuilding ...")."""
    # In lower case, but "I've" and an acronym as written: "apps I've shipped", "CV".
    kind = " ".join(w if _KEPT_CASE.fullmatch(w) else w.lower() for w in re.split(r" [—–-] ", title)[0].split())
    return kind if len(kind.split()) <= _KIND_WORDS and ":" not in kind else ""
