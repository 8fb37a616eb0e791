"""Heading-aware chunking with content-addressed ids.

Every chunk starts with its heading path ("Resume > Experience > Tidewell"), so a chunk read
alone still says what it is about. Long sections are split on paragraph, then line (tables,
lists), then sentence boundaries; a table row or list item is never cut. Consecutive chunks of
one section share up to `overlap` characters of whole units. A chunk's id hashes its source, its
text and the metadata it is served with (type, URL, tags, dates), so editing one section leaves
the ids of all other chunks unchanged, and a front-matter edit changes the ids of its document's
chunks (re-indexed without re-embedding: their text did not change).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from folio.answers.units import split_sentences
from folio.documents import DATED_ENTRY, LIST_ITEM

if TYPE_CHECKING:
    from folio.documents import Document, Section

_LINE_ITEM = re.compile(r"^\s*([-*+]|\d+[.)]|\|)")
# A record's field on its own line ("Notice period: 3 months", "Relocation:"): a line, not prose.
_FIELD = re.compile(r"^\s*[A-Z0-9][^:.!?]{0,48}:(?:\s|$)")


@dataclass(frozen=True)
class Chunk:
    id: str
    source: str
    title: str
    section: str
    part: int
    text: str
    doc_type: str
    url: str
    tags: str
    dates: str
    file_sha256: str


def chunk_document(doc: Document, *, max_chars: int = 800, overlap: int = 120) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: Counter[str] = Counter()
    tags = ",".join(doc.tags)
    dates = " ".join(f"{k}={v}" for k, v in sorted(doc.dates.items()))
    for label, path, body in _groups(doc, max_chars):
        prefix = " > ".join((doc.title, *path))
        budget = max(max_chars - len(prefix) - 2, max_chars // 2)
        for part, piece in enumerate(_split(body, budget, overlap)):
            text = f"{prefix}\n\n{piece}"
            identity = json.dumps([doc.source, text, doc.doc_type, doc.url, tags, dates])
            digest = hashlib.sha256(identity.encode()).hexdigest()[:20]
            seen[digest] += 1
            chunks.append(
                Chunk(
                    id=digest if seen[digest] == 1 else f"{digest}-{seen[digest]}",
                    source=doc.source,
                    title=doc.title,
                    section=label,
                    part=part,
                    text=text,
                    doc_type=doc.doc_type,
                    url=doc.url,
                    tags=tags,
                    dates=dates,
                    file_sha256=doc.sha256,
                )
            )
    return chunks


def _groups(doc: Document, max_chars: int) -> list[tuple[str, tuple[str, ...], str]]:
    """Pack short sibling sections together so a chunk carries enough context to be found.

    Returns (label, heading path, body) triples. Only sections under the same parent heading are
    packed, so an edit can only shift the chunks of its own parent.
    """
    out: list[tuple[str, tuple[str, ...], str]] = []
    pending: list[tuple[tuple[str, ...], str]] = []

    def flush() -> None:
        if len(pending) == 1:
            path, text = pending[0]
            out.append((" > ".join(path), path, text))
        elif pending:
            parent = pending[0][0][:-1]
            label = " > ".join(parent) or ", ".join(path[-1] for path, _ in pending if path)
            body = "\n\n".join(f"## {path[-1]}\n{text}" if path else text for path, text in pending)
            out.append((label, parent, body))
        pending.clear()

    for section in doc.sections:
        path = _heading_path(doc.title, section)
        if pending:
            fits = sum(len(text) + 40 for _, text in pending) + len(section.text) + 40 <= max_chars
            if not fits or path[:-1] != pending[0][0][:-1]:
                flush()
        pending.append((path, section.text))
    flush()
    return out


def _heading_path(title: str, section: Section) -> tuple[str, ...]:
    headings = section.headings
    # A document's own H1 usually repeats its title; keep it once.
    if headings and headings[0].strip().lower() == title.strip().lower():
        headings = headings[1:]
    return headings


@dataclass(frozen=True)
class _Unit:
    text: str
    block: int
    joiner: str  # how it follows the previous unit of the same block


def _split(text: str, budget: int, overlap: int) -> list[str]:
    blocks = _blocks(text)
    # A section's list of dated entries (a talk a paragraph: "2022  "Fourteen Minutes" ... GDC
    # 2022 ..."): each entry a chunk of its own, found by what it alone says. (Not short sections
    # packed together, "## Positions" then "## Education": a chunk cut there loses its heading.)
    packed = any(block.startswith("## ") for block in blocks)
    entries = not packed and sum(bool(DATED_ENTRY.match(block)) for block in blocks) >= _ENTRIES
    units = [unit for n, block in enumerate(blocks) for unit in _units(n, block, budget)]
    chunks: list[list[_Unit]] = []
    current: list[_Unit] = []
    size = 0
    for unit in units:
        entry = entries and unit.joiner == "\n\n" and bool(DATED_ENTRY.match(unit.text))
        if current and (entry or size + len(unit.text) + 2 > budget):
            # (A paragraph that leads into what follows, "... Outside work:", goes on with it.)
            lead = current[-1:] if len(current) > 1 and _leads_in(current[-1], overlap) else []
            chunks.append(current[: len(current) - len(lead)])
            current = lead or ([] if entry else _tail(current, overlap, budget - len(unit.text) - 2))
            size = sum(len(u.text) + 2 for u in current)
        current.append(unit)
        size += len(unit.text) + 2
    if current:
        chunks.append(current)
    return [_join(chunk) for chunk in chunks]


_ENTRIES = 3


def _leads_in(unit: _Unit, overlap: int) -> bool:
    return unit.text.rstrip().endswith(":") and len(unit.text) <= overlap


def _blocks(text: str) -> list[str]:
    return [block.strip("\n") for block in re.split(r"\n\s*\n", text) if block.strip()]


def _units(n: int, block: str, budget: int) -> list[_Unit]:
    """A block that fits is one unit; else its lines (tables, lists, fields) or its sentences."""
    if len(block) <= budget:
        return [_Unit(block, n, "\n\n")]
    lines = _logical_lines(block)
    structured = sum(bool(_LINE_ITEM.match(line) or _FIELD.match(line) or DATED_ENTRY.match(line)) for line in lines)
    if len(lines) > 1 and structured >= len(lines) // 2:
        header = _table_header(lines)
        rows = [piece for line in lines[len(header) :] for piece in _hard_wrap(line, budget)]
        if header:
            # Repeat a table's header in front of every slice of its rows so each chunk is readable;
            # each slice is its own block so slices are never glued under one header.
            return [_Unit(group, n, "\n\n") for group in _group_rows("\n".join(header), rows, budget)]
        return [_Unit(row, n, "\n") for row in rows]
    sentences = split_sentences(" ".join(line.strip() for line in block.splitlines()))
    return [_Unit(piece, n, " ") for sentence in sentences for piece in _hard_wrap(sentence, budget)]


def _logical_lines(block: str) -> list[str]:
    """A block's lines, a list item wrapped onto indented lines kept as one ("- 2019 — moved to\n
    Berlin ..."), so that a long list is cut between its items, never inside one."""
    lines: list[str] = []
    for line in block.splitlines():
        opened = LIST_ITEM.match(lines[-1]) or DATED_ENTRY.match(lines[-1]) if lines else None
        if opened and line.startswith((" ", "\t")) and not LIST_ITEM.match(line):
            lines[-1] = f"{lines[-1]}\n{line}"
        else:
            lines.append(line)
    return lines


def _table_header(lines: list[str]) -> list[str]:
    if len(lines) >= 2 and lines[0].lstrip().startswith("|") and re.match(r"^\s*\|[\s:|-]+\|?\s*$", lines[1]):
        return lines[:2]
    return []


def _group_rows(header: str, rows: list[str], budget: int) -> list[str]:
    """Slices of similar size (not a full slice and a one-row straggler), each under the header."""
    room = max(budget - len(header) - 1, 1)
    total = sum(len(row) + 1 for row in rows)
    target = total / -(-total // room)
    groups: list[str] = []
    current = header
    for row in rows:
        grown = len(current) - len(header) + len(row) + 1
        if current != header and (grown > room or len(current) - len(header) >= target):
            groups.append(current)
            current = header
        current = f"{current}\n{row}"
    groups.append(current)
    return groups


def _hard_wrap(text: str, budget: int) -> list[str]:
    """Last resort for a single line longer than a chunk: break between words."""
    if len(text) <= budget:
        return [text]
    pieces: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + len(word) + 1 > budget:
            pieces.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    pieces.append(current)
    return pieces


def _tail(units: list[_Unit], overlap: int, room: int) -> list[_Unit]:
    """The last whole units of a chunk that fit in the overlap (and leave room for the next)."""
    kept: list[_Unit] = []
    size = 0
    for unit in reversed(units):
        if size + len(unit.text) + 2 > min(overlap, room):
            break
        kept.insert(0, unit)
        size += len(unit.text) + 2
    return kept


def _join(units: list[_Unit]) -> str:
    out = units[0].text
    for previous, unit in itertools.pairwise(units):
        out += (unit.joiner if unit.block == previous.block else "\n\n") + unit.text
    return out
