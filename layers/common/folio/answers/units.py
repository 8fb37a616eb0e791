"""A chunk read as evidence: headings, sentences, list items, `Key: value` pairs and table rows.

Each unit keeps the heading path above it, so a bare line ("GPA: 3.86") still says what it is
about ("Master of Science ... > GPA: 3.86"). Ingest embeds every unit once (`embed_text`), so the
answer path ranks lines by meaning without running the model per question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from folio.answers.text import DATE, EMAIL, PROFILE
from folio.documents import DATED_ENTRY, unwrap

# A two-column table whose second column is named like this holds facts, not records.
_GENERIC_COLUMNS = frozenset(("detail", "details", "value", "values", "description", "info", "notes", ""))
_INNER_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$")
# A line that goes on with the one before it: "(2023), CDISC ...", "and then ...".
_GOES_ON = re.compile(r"^(?:[(\[,;:–—]|[a-z])")
# A list item's marker: a bullet, "3." or "3)", a letter "b)", a reference "[2]".
_ITEM = re.compile(r"^(?:[-*+•]|\d{1,3}[.)]|[a-z]\)|\[\d{1,3}\])\s+")
_TABLE_RULE = re.compile(r"^\|?[\s:|-]+\|?$")
_DAY_FIRST = re.compile(r"^(?:19|20)\d{2}-\d{2}-\d{2}\s")
# "Key: value"; a colon inside a quoted title ('2023-05 "Accessible by default: ..."') is no key's.
# A key is a label, not a sentence's end: "First-class honours. Dissertation: ..." is two sentences.
# Nor is an answer's "Yes: defence or weapons, gambling ...".
_PAIR = re.compile(r"^(?!(?:Yes|No)\s*:)([A-Z0-9](?:(?![.!?]\s)[^:\"“”]){0,48}?):\s+(\S.*)$")
# A colon after a phrase that opens a sentence, not after a field's name: "On the practical side:".
_PHRASE_OPENING = re.compile(r"(?:on|in|at|for|as|to|with|by|from|of|the|a|an|also|but|and|so)\s", re.IGNORECASE)
# (A long one is a name with no sentence in it: "Obafemi Awolowo University, Ile-Ife, Osun State, Nigeria:".)
_OPEN_KEY = re.compile(r"^([A-Z0-9](?:[^:]{0,48}|[^:.!?]{49,90})):$")
_QUOTE = re.compile(r"^(?:>\s?)+")
# A line that ends a phrase: what follows it starts anew.
_ENDED = re.compile(r"[.!?:;)\]\"'”’]\s*$|\d\s*$")
_MARKUP = re.compile(r"\*\*|__|~~|`|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
# A sentence ends at . ! ? before a capital or digit, except after an initial or a short title.
_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)]))\s+(?=[\"'“‘(\[]?[A-Z0-9])")
# A quoted title that asks or exclaims, then its date: '"Who Pays for This Pipeline?" (22 April 2021).'
_QUOTED_END = re.compile(r"[?!][\"”’]$")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b(?:Dr|Mr|Mrs|Ms|Prof|St|Jr|Sr|No|vs|etc|approx|e\.g|i\.e|Inc|Ltd|Co|pp|p|vol|fig|ed|Sc|Eng|Phil|Tech))\.$"
)


def _header_block(lines: list[str]) -> bool:
    """Lines that each stand alone, no sentence among them: a page's header ("Luana Takeda Ferraz" /
    "Engineering Manager (Mobile) | iOS" / "São Paulo, SP · luana@... · +55 11 ...")."""
    parted = sum(bool(_PARTED.search(line)) for line in lines)
    reached = any(_CONTACT.search(line) for line in lines)
    ended = any(_ENDED_SENTENCE.search(line) for line in lines)
    return len(lines) > 1 and reached and 2 * parted >= len(lines) and not ended


# (An address, a profile, a link or a phone number.)
_CONTACT = re.compile("|".join((EMAIL.pattern, PROFILE.pattern, r"https?://", r"\+\d{1,3} \d")), re.IGNORECASE)
_PARTED = re.compile(r" [|·•] |" + _CONTACT.pattern)
_ENDED_SENTENCE = re.compile(r"[.!?,;]\s*$")


def _dotted(line: str) -> list[str]:
    """The items of a list written in one line with dots between them, if it is one."""
    items = [item.strip() for item in _DOTS.split(line)]
    short = all(item and len(item.split()) <= _DOTTED_WORDS for item in items)
    # (Not a page's header line, "Lead Robotics Engineer · Bristol, UK · priya@...", nor an entry's
    # facts in a line, "2011-09 → 2016-06 · CGPA 3.71 / 4.30 · graduated with Distinction".)
    facts = _CONTACT.search(line) or any(DATE.search(item) for item in items)
    return items if len(items) >= _DOTTED_ITEMS and short and not facts else []


_DOTS = re.compile(r"\s+[·•]\s+")
_DOTTED_ITEMS = 3
_DOTTED_WORDS = 6


def _lead_in(sentence: str) -> str:
    """A paragraph's last words naming the list after it ("Outside work:"), not a sentence that
    goes on into it ("Day to day I:")."""
    label = sentence.removesuffix(":")
    named = label != sentence and len(label.split()) <= _LEAD_IN_WORDS and not _PERSON.search(label)
    return label if named else ""


_LEAD_IN_WORDS = 5
_PERSON = re.compile(r"\b(?:I|we|you|he|she|they|me|us|him|her|them)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Unit:
    text: str
    path: tuple[str, ...]  # the document title, then each heading above the unit
    kind: str  # heading | sentence | item | pair | row
    block: int  # units of one paragraph, list or table share a block
    key: str = ""

    @property
    def heading(self) -> str:
        """The nearest heading above the unit (the document title when there is none)."""
        return self.path[-1] if self.path else ""

    @property
    def embed_text(self) -> str:
        return f"{self.heading}: {self.text}" if self.heading else self.text


@lru_cache(maxsize=4096)
def parse_units(text: str) -> tuple[Unit, ...]:
    """The units of one chunk text (heading path paragraph, blank line, body)."""
    head, _, body = text.partition("\n\n")
    base = tuple(part.strip() for part in head.split(" > ") if part.strip())
    units = _Parser(base).run(body)
    if len(base) > 1:
        # The section's own heading ("Staff Software Engineer — Tidewell Health (January 2022 – present)")
        # often holds facts of its own.
        units.insert(0, Unit(base[-1], base[:-1], "heading", -1))
    return tuple(units)


def _timeline(lines: list[str]) -> list[str]:
    """A timeline's entries, each opened by its date ("2017-09  left teaching, started the
    bootcamp" and the note under it), or none when the lines are no timeline."""
    if len(lines) < 2 or not DATED_ENTRY.match(lines[0]) or sum(bool(DATED_ENTRY.match(line)) for line in lines) < 2:
        return []
    entries: list[list[str]] = []
    for line in lines:
        if DATED_ENTRY.match(line):
            entries.append([plain(line)])
        else:
            entries[-1].append(plain(line))
    return [unwrap(entry) for entry in entries]


def plain(line: str) -> str:
    """Markdown emphasis, inline code marks and link targets dropped: answers quote plain text."""
    return " ".join(_LINK.sub(r"\1", _MARKUP.sub("", line)).split())


def sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in split_sentences(paragraph) if len(s.strip()) > 2]


def split_sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences, all of its text kept; not cut after "Prof." or "J."."""
    out: list[str] = []
    for piece in _SENTENCE.split(paragraph):
        if out and (_ABBREVIATION.search(out[-1]) or (_QUOTED_END.search(out[-1]) and piece.startswith("("))):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


class _Parser:
    def __init__(self, base: tuple[str, ...]) -> None:
        self.base = base
        self.path = base
        self.units: list[Unit] = []
        self.block = 0
        self.paragraph: list[str] = []
        self.header: list[str] = []
        self.open_keys: list[tuple[int, str]] = []  # YAML-style "Key:" lines and their indent
        self.parents: list[tuple[int, str]] = []  # the list items above a nested one, by indent
        self.in_item = False  # the last line was (part of) a list item
        self.lead_in = ""  # a paragraph's last words before a list: "... Outside work:"
        self.asked = ""  # an interview's question ("Q: Where are you based?"), for its answer

    def run(self, body: str) -> list[Unit]:
        for raw in body.splitlines():
            self._line(raw)
        self._flush_paragraph()
        return self.units

    def _line(self, raw: str) -> None:
        line = _QUOTE.sub("", raw.strip())  # a quoted paragraph ("> Hi!") reads as its text
        if line and not _ITEM.match(line):
            self.lead_in = ""
        continuing, self.in_item = self.in_item, False
        if not line:
            self._flush_paragraph()
            self.header = []
            self.block += 1
            return
        heading = _INNER_HEADING.match(line)
        if heading:
            self._flush_paragraph()
            self.open_keys, self.parents = [], []
            title = plain(heading.group(1))
            self._add(title, "heading", path=self.base)
            self.path = (*self.base, title)
            self.block += 1
            return
        if line.startswith("|"):
            self._flush_paragraph()
            self._row(line)
            return
        self.header = []
        indent = len(raw) - len(raw.lstrip())
        item = _ITEM.match(line)
        # (Not a line set back from a nested item: "    - MSc Dissertation" / "Obafemi Awolowo University, ...:".)
        dedented = bool(self.parents) and indent < self.parents[-1][0]
        if (
            item is None
            and continuing
            and not dedented
            and not self._is_structured(line)
            and not DATED_ENTRY.match(raw.strip())
            and not _DAY_FIRST.match(raw.strip())  # "2026-12-04  Accessible Charts ..." begins anew
        ):
            # A list item wrapped onto the next line, indented or not, goes on.
            last = self.units[-1]
            self.units[-1] = replace(last, text=unwrap((last.text, plain(line))))
            self.in_item = True
            return
        if item is None and not self._is_structured(line):
            self.paragraph.append(line)
            self.parents = self.parents if indent else []  # a list ended by the text after it
            return
        self._flush_paragraph()
        self._entry(line, indent, item)

    def _entry(self, line: str, indent: int, item: re.Match[str] | None) -> None:
        """A list item, a field or a field's open key: a unit of its own."""
        text = plain(line[item.end() :] if item else line)
        open_key = _OPEN_KEY.match(text)
        kept = [(i, k) for i, k in self.open_keys if i < indent]
        # A record closed by the next one's name ("Obafemi Awolowo University, ...:" after
        # Calderbrook's fields): the next is a block of its own.
        self.block += open_key is not None and len(kept) < len(self.open_keys)
        self.open_keys = kept
        # An item's sub-items are about it: "- Vindkast ApS" > "  - Lead Data Scientist (Jan 2025 -
        # present)" > "    - Lead the forecasting team of 6".
        self.parents = [(i, p) for i, p in self.parents if i < indent] if item else []
        if item and self.lead_in and not self.parents:
            # The list a paragraph leads into is about what it names: "Outside work:" > "* Bouldering".
            self.parents = [(-1, self.lead_in)]
        if open_key:
            self._add(open_key.group(1), "heading")
            self.open_keys.append((indent, open_key.group(1)))
            return
        pair = _PAIR.match(text)
        if pair and len(pair.group(1).split()) <= 6:
            # An interview's answer is under its question, as an FAQ's under its heading: "Q: Where
            # are you based?" > "A: Nairobi, Kenya".
            asked = (*self.path, self.asked) if self.asked and pair.group(1) == "A" else None
            self._add(text, "pair", key=pair.group(1), path=asked)
            self.asked = pair.group(2) if pair.group(1) == "Q" and pair.group(2).endswith("?") else ""
            # "- **Team:** 4 people, ..." may wrap, and so may a pair cut mid-phrase ("(design-to-").
            self.in_item = item is not None or not _ENDED.search(text)
        elif text:
            self._add(text, "item")
            self.in_item = True
        if item and text:
            self.parents.append((indent, text))

    @staticmethod
    def _is_structured(line: str) -> bool:
        if _OPEN_KEY.match(line):
            return True
        # A record's field, not prose that opens with a phrase and a colon ("On the practical side:
        # I am a German citizen, so ... My notice period is three months ...").
        pair = _PAIR.match(plain(line))
        prose = pair is not None and _PHRASE_OPENING.match(pair.group(1)) and len(sentences(pair.group(2))) >= 3
        return pair is not None and len(pair.group(1).split()) <= 6 and not prose

    def _row(self, line: str) -> None:
        if _TABLE_RULE.fullmatch(line):
            return
        cells = [plain(c) for c in line.strip().strip("|").split("|")]
        if not self.header:
            self.header = cells
            return
        if len(self.header) == 2 and len(cells) == 2 and plain(self.header[1]).lower() in _GENERIC_COLUMNS:
            # "| Thing | Detail |": each row is a fact named by its first cell ("Language: Python").
            if cells[0] and cells[1]:
                self._add(f"{cells[0]}: {cells[1]}", "pair", key=cells[0])
            return
        text = "; ".join(f"{h}: {c}" for h, c in zip(self.header, cells, strict=False) if c)
        if text:
            self._add(text, "row")

    def _flush_paragraph(self) -> None:
        if not self.paragraph:
            return
        lines = [plain(line) for line in self.paragraph]
        # Lines that each carry a date ("Staff Engineer · March 2023 – present") are entries, not prose.
        # (Not a wrapped sentence: "... Certified Kubernetes Administrator" / "(2023), CDISC ...".)
        dated = len(lines) > 1 and all(DATE.search(line) for line in lines)
        dated = dated and not any(_GOES_ON.match(line) for line in lines[1:])
        header = _header_block(lines)
        parts = lines if dated or header else _timeline(self.paragraph) or [unwrap(lines)]
        listed = [_dotted(part) for part in parts] if len(parts) == 1 else []
        if any(listed):
            # "Dutch (native) · West Frisian (native) · English (C2)": a list written in a line.
            for part, items in zip(parts, listed, strict=True):
                for item in items or [part]:
                    self._add(item, "item")
        for n, part in enumerate(parts if not any(listed) else []):
            # Each entry a block of its own: "2024 Certified ... Issued ... Active." is one record.
            self.block += n > 0
            for sentence in sentences(part):
                self._add(sentence, "item" if header else "sentence")  # (a header's lines are no prose)
        self.lead_in = _lead_in(self.units[-1].text if self.units else "")
        self.paragraph = []

    def _add(self, text: str, kind: str, *, key: str = "", path: tuple[str, ...] | None = None) -> None:
        above = (*(k for _, k in self.open_keys), *(p for _, p in self.parents))
        where = path if path is not None else (*self.path, *above)
        self.units.append(Unit(text, where, kind, self.block, key))
