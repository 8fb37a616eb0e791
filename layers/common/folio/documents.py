"""Reading source files (Markdown, text, PDF, YAML) into documents made of titled sections."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from folio.answers.validity import expiry_key
from folio.errors import IngestError, Unavailable

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pypdf import PageObject

SUFFIXES = (".md", ".markdown", ".txt", ".pdf", ".yaml", ".yml")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
# A YAML line whose plain value has a comment after it: "    Java: no  # can read it".
_COMMENTED = re.compile(
    r"^(?P<head>\s*(?:-\s+)?[^\s#'\"\-][^:#]*:\s+)(?P<value>[^'\"\s#|>&*!\[{][^#]*?)\s+#\s*(?P<note>\S.*)$"
)
# A numbered plain-text heading in capitals: "2. MSc, HUMAN-COMPUTER INTERACTION (PART-TIME)".
_NUMBERED_CAPS = re.compile(r"^(?:\d{1,2}[.)])\s+([A-Z][\w&/,()'. -]*[\w)])\s*$")
_NUMBERED_LEVEL = 3  # under the underlined headings (=== level 1, --- level 2)
# A plain-text heading in capitals: "EXPERIENCE", "CERTIFICATIONS & COURSES" (no sentence).
_CAPITALS = re.compile(r"[^\W\d_][\w&/,()' -]*[^\W_]")
_CAPITALS_WORDS = 5
_CAPITALS_LEVEL = _NUMBERED_LEVEL
# A plain-text heading in wiki or AsciiDoc style: "== Teaching ==", "=== Talks".
_EQUALS_HEADING = re.compile(r"^(={1,6})\s+([^=].*?)\s*=*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
# Plain-text table columns, and the rule under a plain-text table's header ("-----  ----").
_COLUMNS = re.compile(r"\s{2,}")
_RULE = re.compile(r"^\s*-{3,}(?:\s+-{2,})*\s*$")
# A setext heading: a line underlined with "===" (level 1) or "---" (level 2), in Markdown and
# in plain text alike.
_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)\s*$")
_DATE_KEYS = ("date", "start_date", "end_date")
# A paragraph of one bold line over a list names the list's entry: "**Fernhill Digital** — Cork".
_BOLD_LABEL = re.compile(r"^\*\*([^*]+)\*\*((?:\s*[—–|-]\s*|\s+\(|,\s*)[^*]*)?$")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# A list item's marker ("- ", "* ", "1. ", a letter "b) ", a reference "[2] ").
# (Not a number wrapped onto a line of its own: "certificate number" / "1047732. NN/g ...".)
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)]|[a-z]\)|\[\d{1,3}\])\s")
# A timeline's entry, opened by its date and then its text: "2017-09  left teaching", "Mar 2019 -
# joined Kapsel", "**2020–2022** Research Engineer, ..." (not a sentence that starts with a year:
# "2019 was ...").
_ENTRY_DATE = (
    r"(?:(?:19|20)\d{2}(?:[-/.]\d{1,2})?|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?:19|20)\d{2})"
)
_ENTRY_SPAN = rf"{_ENTRY_DATE}(?:\s*[-–—]\s*(?:{_ENTRY_DATE}|present|now|today))?"
DATED_ENTRY = re.compile(
    rf"^(?:{_ENTRY_DATE}(?:\s{{2,}}|\s*[-–—:|]\s+|\t)|\*\*{_ENTRY_SPAN}\*\*:?\s+)\S",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Section:
    headings: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Document:
    source: str
    title: str
    doc_type: str
    sections: list[Section]
    sha256: str
    url: str = ""
    tags: tuple[str, ...] = ()
    dates: dict[str, str] = field(default_factory=dict)


def discover(root: Path) -> list[Path]:
    """Every readable document below root, in a stable order; dotfiles and eval files are skipped."""
    if not root.is_dir():
        raise Unavailable("The documents folder cannot be found.", internal=f"no folder at {root}")
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file()
        and path.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in path.relative_to(root).parts)
    )


def load(path: Path, root: Path) -> Document:
    """Read one file; any problem becomes an IngestError naming the file."""
    source = path.relative_to(root).as_posix()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{source}: cannot be read ({exc.strerror})") from exc
    if not raw.strip():
        raise IngestError(f"{source}: file is empty")
    reader = _READERS[path.suffix.lower()]
    try:
        return reader(source, raw, hashlib.sha256(raw).hexdigest())
    except IngestError:
        raise
    except Exception as exc:  # parsers raise many unrelated types for broken input
        raise IngestError(f"{source}: {type(exc).__name__}: {exc}") from exc


def _read_markdown(source: str, raw: bytes, sha: str) -> Document:
    import frontmatter

    try:
        post = frontmatter.loads(raw.decode("utf-8"))
    except Exception as exc:  # yaml.YAMLError and friends
        raise IngestError(f"{source}: broken front matter ({_first_line(exc)})") from exc
    meta = dict(post.metadata)
    sections, h1 = _markdown_sections(_HARD_BREAK.sub("\n\n", post.content))
    title = str(meta.get("title") or h1 or _first_heading(sections) or _title_from_name(source))
    if h1 and h1 != title and _ASIDE.search(h1):
        # A heading beside the front matter's title with an aside of its own ('Damilare ("Dare")
        # Akintola-Beaumont' under "Résumé – Damilare Akintola-Beaumont"): a line of the page.
        sections = [s for s in sections if s.text.strip()]
        first = sections[0] if sections and not sections[0].headings else None
        opening = Section((), f"{h1}\n\n{first.text}" if first else h1)
        sections = [opening, *sections[1:]] if first else [opening, *sections]
    # The rest of the front matter is facts of the page ("licence: MIT"), read like a YAML file's,
    # a list of words in one line ("stack: [Python, dbt]" is "Stack: Python, dbt").
    facts = {key: value for key, value in meta.items() if str(key) not in _PAGE_KEYS}
    if facts:
        sections.insert(0, Section((), _render(facts, words_inline=True)))
    return _document(source, sha, title, meta, sections)


# An HTML line break ("**Data Engineer** · Feb 2023 – Mar 2025<br>"): each line a paragraph of
# its own, not one sentence run into the next.
_ASIDE = re.compile(r"[(\"“]")
_HARD_BREAK = re.compile(r"[ \t]*<br\s*/?>[ \t]*\n?", re.IGNORECASE)

# Front-matter keys that describe the page, not its subject: folio's own and site generators'.
_PAGE_KEYS = frozenset(
    ("title", "doc_type", "url", "tags", *_DATE_KEYS, "updated", "author", "layout", "slug", "permalink", "draft")
)


def _read_text(source: str, raw: bytes, sha: str) -> Document:
    # Dot leaders join a label to its value: "Code ........ Python, Go" is "Code: Python, Go".
    text = _tab_tables(_DOT_LEADER.sub(": ", raw.decode("utf-8", errors="replace")))
    sections, h1 = _markdown_sections(_asked_lines(_aligned_pairs(_text_tables(text))), atx=False)
    if h1 is None and sections and not sections[0].headings:
        first, _, rest = sections[0].text.partition("\n")
        after = rest.split("\n", 1)[0]
        if _TEXT_TITLE.fullmatch(first.strip()) and len(first.split()) <= 12 and (not after.strip() or ": " in after):
            # "Talks, Publications and Podcasts — Maya Okonkwo-Lindqvist" over the text: its title.
            h1, sections[0] = first.strip(), Section((), rest.strip())
    return _document(source, sha, h1 or _title_from_name(source), {}, sections)


_DOT_LEADER = re.compile(r"(?<=\S)[ \t]*\.{4,}[ \t]*(?=\S)|(?<=\S)[ \t]+\.{3}[ \t]+(?=\S)")
# A plain-text file's first line read as its title (over a blank line or its "Last updated: ..."):
# words, no sentence, no "Key: value", no list item.
_TEXT_TITLE = re.compile(r"[^\W\d_][^:.!?;|]*[^\s:.!?;,|]")


def _read_pdf(source: str, raw: bytes, sha: str) -> Document:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(raw), strict=False)
    text = _joined_pages([page for page in map(_pdf_page, reader.pages) if page])
    if not text:
        raise IngestError(f"{source}: no extractable text (scanned PDF?)")
    info_title = reader.metadata.title if reader.metadata else None
    title = str(info_title or _title_from_name(source))
    return _document(source, sha, title, {}, [Section((), text)])


def _joined_pages(pages: list[str]) -> str:
    """The pages' text in one, a sentence that runs on to the next page kept whole ("... in the
    third" / "semester that normally leads into the thesis.")."""
    out: list[str] = []
    for page in pages:
        if out and not out[-1].endswith((".", "!", "?", ":", "|")) and page[:1].islower():
            out[-1] = f"{out[-1]} {page}"
        else:
            out.append(page)
    return "\n\n".join(out)


def _read_yaml(source: str, raw: bytes, sha: str) -> Document:
    import yaml

    try:
        data = yaml.safe_load(_comments_kept(raw.decode("utf-8")))
    except yaml.YAMLError as exc:
        raise IngestError(f"{source}: invalid YAML ({_first_line(exc)})") from exc
    if isinstance(data, list) and data:
        # A list of records ("- name: CKAD\n  status: active"): the document's entries, one a line
        # (a big one, a job or a degree with its modules, a section named by its name).
        sections = [Section(tuple(h for h in s.headings if h), s.text) for s in _sections_of("", data)]
        return _document(source, sha, _title_from_name(source), {}, sections)
    if not isinstance(data, dict):
        raise IngestError(f"{source}: expected a mapping or a list at the top level")
    meta = {key: data.pop(key) for key in ("title", "doc_type", "url", "tags", *_DATE_KEYS) if key in data}
    # Top-level facts ("location: Cork, Ireland") read as the document's opening lines, "Key:
    # value"; each mapping or list is a section under its key.
    facts = {key: value for key, value in data.items() if not isinstance(value, dict | list)}
    sections = [Section((), _render(facts))] if facts else []
    sections += [section for k, v in data.items() if k not in facts for section in _sections_of(_humanize(str(k)), v)]
    return _document(source, sha, str(meta.get("title") or _title_from_name(source)), meta, sections)


def _pdf_page(page: PageObject) -> str:
    """A page's text in paragraphs; a table printed in aligned columns (a transcript's "Term Course
    Title Grade") as a Markdown table, each row read with its header."""
    plain = (page.extract_text() or "").strip()
    layout = (page.extract_text(extraction_mode="layout") or "").splitlines()
    tables = _aligned_tables(layout)
    columns = None if tables else _two_columns(layout)
    if columns is not None:
        # A page in two columns (skills beside experience): each column read down, the left first.
        layout, plain = columns, "\n".join(" ".join(line.split()) for line in columns)
    if not tables and not any(map(_side_by_side, layout)):
        return reflow(plain)
    prose = _laid_out(layout)
    width = max((len(line) for line in prose), default=0)
    parts: list[str] = []
    cursor = 0
    for start, end, table in tables:
        parts += [reflow("\n".join(prose[cursor:start]), width), "\n".join(table)]
        cursor = end
    parts.append(reflow("\n".join(prose[cursor:]), width))
    return "\n\n".join(part for part in parts if part)


def _two_columns(lines: list[str]) -> list[str] | None:
    """A laid-out page's lines with a block printed in two columns read a column at a time: the
    gutter is where most lines' right column starts after a run of spaces; the block is the run of
    lines with text on one side of it or both, none across it."""
    starts = [found.end() for line in lines if (found := _GUTTER.search(line)) and found.start() > 0]
    if not starts:
        return None
    gutter = max(set(starts), key=starts.count)
    sides = [_sides(line, gutter) for line in lines]
    runs: list[list[int]] = [[]]
    for n, side in enumerate(sides):
        if side is None:
            runs.append([])  # a line across the gutter ends a run
        else:
            runs[-1].append(n)
    blocks = [[side for n in found if (side := sides[n]) is not None] for found in runs]
    both_sides = [sum(bool(left and right) for left, right in block) for block in blocks]
    best = max(range(len(runs)), key=both_sides.__getitem__)
    run, block, both = runs[best], blocks[best], both_sides[best]
    lefts = sum(bool(left and not right) for left, right in block)
    rights = sum(bool(right and not left) for left, right in block)
    left = [left for left, _ in block if left]
    # (Not a CV's years in the margin, each beside its entry: "2019–2021   Postdoctoral Fellow, ...".)
    margin = sum(bool(_MARGIN_DATE.fullmatch(text)) for text in left)
    if both < _COLUMN_ROWS or not lefts or not rights or 2 * margin >= len(left):
        return None
    right = [right for _, right in block if right]
    return [*lines[: run[0]], *left, "", *right, *lines[run[-1] + 1 :]]


def _sides(line: str, gutter: int) -> tuple[str, str] | None:
    """A line's text left and right of the gutter; None when its text runs across it."""
    left, right = line[:gutter], line[gutter:]
    if left.strip() and not left.endswith("  ") and len(line.rstrip()) > gutter:
        return None
    return left.strip(), right.rstrip()


_GUTTER = re.compile(r"\S {3,}(?=\S)")
_MARGIN_DATE = re.compile(r"[\d/.]*(?:19|20)\d{2}(?:\s*[–-]\s*(?:[\d/.]*(?:19|20)\d{2}|present|now)?)?", re.IGNORECASE)
_COLUMN_ROWS = 5


def _aligned_tables(lines: list[str]) -> list[tuple[int, int, list[str]]]:
    """Tables of a page laid out in columns: a header of three or more short cells, then two or more
    rows whose cells each sit under one of them (left- or right-aligned; blank lines between rows
    allowed). A cell's text wrapped onto the next line ("Pharmacokinetics and Therapeutic Drug" /
    "Monitoring") stays in its cell; a line across the columns between rows ("Year 3 (2012/13) -
    weighting 30%") is a label between two parts of the table. Each as (first line, the line after
    the last row, its Markdown lines)."""
    found: list[tuple[int, int, list[str]]] = []
    n = 0
    while n < len(lines):
        header = _spans(lines[n])
        # (Not fields side by side: "Programme:   MSc Machine Learning   Mode of study:   Full-time".)
        keyed = any(text.endswith(":") for _, _, text in header)
        if len(header) < 3 or keyed or any(len(t.split()) > 4 or any(ch.isdigit() for ch in t) for _, _, t in header):
            n += 1
            continue
        rows: list[list[str] | str] = []
        end = n + 1
        for m in range(n + 1, len(lines)):
            if not lines[m].strip():
                continue
            spans = _spans(lines[m])
            # Fields are no row: "Total credits awarded: 180   Weighted mean mark: 77.7" under the
            # table ends it, "Term credits: 15.00   Term GPA: 3.85" between its rows parts it.
            fields = _has_fields(spans)
            cells = _row(header, spans)
            if cells is None and rows and isinstance(rows[-1], list) and (column := _wrapped(header, spans)):
                rows[-1][column] = f"{rows[-1][column]} {spans[0][2]}"
            elif cells is None and (len(spans) == 1 or fields) and _rows_follow(header, lines[m + 1 :]):
                # A label over the rows that follow ("Year 2 average: 71.0" too).
                rows.append(" ".join(text for _, _, text in spans))
            elif cells is None:
                break
            else:
                rows.append(cells)
            end = m + 1
        if sum(isinstance(row, list) for row in rows) < 2:
            n += 1
            continue
        found.append((n, end, _markdown_table([text for _, _, text in header], rows)))
        n = end
    return found


def _laid_out(layout: list[str]) -> list[str]:
    """A laid-out page's lines as text: fields side by side one a line, and a field's value
    wrapped onto the next line under it ("Dissertation:   Differentiable Onset Detection ..." /
    "                 Game Input Alignment") kept with it."""
    prose: list[str] = []
    value_at = -1  # where the last line's field value starts
    for line in layout:
        spans = _spans(line)
        if len(spans) == 1 and spans[0][0] == value_at and prose:
            prose[-1] = f"{prose[-1]} {spans[0][2]}"
            continue
        keyed = len(spans) == 2 and spans[0][2].endswith(":")
        value_at = spans[1][0] if keyed else -1
        prose.append("\n".join(_side_by_side(line)) or " ".join(line.split()))
    return prose


_ORDERED_CELLS = 4


def _has_fields(spans: list[tuple[int, int, str]]) -> bool:
    """Whether a laid-out line holds a field: "Supervisor:" before its value, "Term GPA: 3.85" (not
    a title with a colon in it: "Clinical Pharmacy I: Cardiovascular ...")."""
    return any(_FIGURE_FIELD.match(text) or text.endswith(":") for _, _, text in spans)


_FIGURE_FIELD = re.compile(r"^[A-Z][\w /()-]{0,40}: \d[\d.,/%]*$")


def _side_by_side(line: str) -> list[str]:
    """A laid-out line of fields printed side by side ("Programme:   MSc Machine Learning   Mode of
    study:   Full-time"): each field, "Programme: MSc Machine Learning"; none when the line is not
    two or more fields."""
    spans = [text for _, _, text in _spans(line)]
    fields: list[str] = []
    n = 0
    while n < len(spans):
        if spans[n].endswith(":") and n + 1 < len(spans) and not spans[n + 1].endswith(":"):
            fields.append(f"{spans[n]} {spans[n + 1]}")
            n += 2
        elif _INLINE_FIELD.match(spans[n]):
            fields.append(spans[n])  # "Total credits awarded: 180"
            n += 1
        else:
            return []
    return fields if len(fields) >= 2 else []


# A field and its value on one line: "Total credits awarded: 180", "Title: Senior ML Engineer".
_INLINE_FIELD = re.compile(r"^[A-Z][\w /()&'-]{0,40}:\s+\S")


def _rows_follow(header: list[tuple[int, int, str]], lines: list[str]) -> bool:
    """Whether the table goes on within the next two lines that hold text (past a label or two)."""
    ahead = [line for line in lines if line.strip()][:2]
    return any(_row(header, _spans(line)) is not None for line in ahead)


def _row(header: list[tuple[int, int, str]], spans: list[tuple[int, int, str]]) -> list[str] | None:
    """A line's cells under the header's; or, a cell a column in order, where the header is printed
    wider than its rows (a bold header's letters): "ENGR 201   Professional Practice ...   1.50   A"."""
    if _has_fields(spans):
        return None
    cells = _under(header, spans)
    if cells is None and len(spans) == len(header) >= _ORDERED_CELLS:
        return [text for _, _, text in spans]
    return cells


def _wrapped(header: list[tuple[int, int, str]], spans: list[tuple[int, int, str]]) -> int:
    """The column (past the first) a line's one cell of a few words sits in, when it is the rest of
    the cell above it; else 0."""
    if len(spans) != 1 or any(ch.isdigit() for ch in spans[0][2]) or ":" in spans[0][2]:
        return 0
    start, end, _ = spans[0]
    bounds = [(h_start, header[i + 1][0] if i + 1 < len(header) else None) for i, (h_start, _, _) in enumerate(header)]
    inside = [i for i, (left, right) in enumerate(bounds) if left <= start and (right is None or end <= right)]
    return inside[0] if inside and inside[0] > 0 else 0


def _markdown_table(names: list[str], rows: list[list[str] | str]) -> list[str]:
    """A table's Markdown lines; a label between its rows parts it, each part under the header."""
    head = ["| " + " | ".join(names) + " |", "|" + " --- |" * len(names)]
    out: list[str] = []
    for row in rows:
        if isinstance(row, str):
            out += ["", row, ""]
        else:
            out += [*(head if not out or not out[-1].startswith("|") else []), "| " + " | ".join(row) + " |"]
    return out


def _spans(line: str) -> list[tuple[int, int, str]]:
    """A laid-out line's cells: runs of text two or more spaces apart, with where they start and end."""
    return [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+(?: \S+)*", line)]


def _under(header: list[tuple[int, int, str]], cells: list[tuple[int, int, str]]) -> list[str] | None:
    """A row's cells by the header cell each overlaps most; None when the line is no row (one
    cell, like a sentence running across the columns, or a cell under no column)."""
    if len(cells) < 2:
        return None
    out = [""] * len(header)
    for start, end, text in cells:
        overlaps = [min(end, h_end) - max(start, h_start) for h_start, h_end, _ in header]
        best = max(range(len(header)), key=lambda i: (overlaps[i], -abs(start - header[i][0])))
        if overlaps[best] <= 0:
            return None  # under no column: not this table's
        out[best] = f"{out[best]} {text}".strip()
    return out


def _comments_kept(text: str) -> str:
    """A YAML comment after a plain value is part of what the owner says: "Java: no  # can read it"
    is read as "Java: no (can read it)"."""

    def kept(line: str) -> str:
        match = _COMMENTED.match(line)
        if match is None:
            return line
        if match.group("value").lower() in ("null", "~"):
            return match.group("head").rstrip()  # "credential_id: null  # TODO copy it": no value yet
        value = f"{match.group('value')} ({match.group('note')})"
        return match.group("head") + json.dumps(value, ensure_ascii=False)

    return "\n".join(kept(line) for line in text.splitlines())


def reflow(text: str, width: int | None = None) -> str:
    """Paragraphs from a PDF page's wrapped lines: a line joins the next unless it is short or
    ends a sentence.

    PDF text comes as one line per printed line. A wrapped line runs close to the page width
    (`width`: the page's longest line, if not this text's); a letterhead line, a date, a greeting
    or a paragraph's last line stops well short of it.
    """
    lines = [" ".join(line.split()) for line in text.splitlines()]  # justified text's wide spaces too
    width = width or max((len(line) for line in lines), default=0)
    out: list[str] = []
    current = ""
    for n, line in enumerate(lines):
        after = lines[n + 1] if n + 1 < len(lines) else ""
        if not current and out and _PLURAL_FIELD.match(out[-1]) and line and ":" not in line and line[-1] not in ".!?":
            out[-1] = f"{out[-1]}; {line}"  # "Supervisors: Professor Helen Ashworth" / "Dr Tomasz Wielgosz"
            continue
        if current and _pdf_heading(line, after, current):
            out += [current, line]  # "... with Merit" / "Notes on marking" / "Marks are ..."
            current = ""
            continue
        # (A field after a field starts anew, however long the first: "Dissertation: ..." / "Supervisor: ...".)
        # (And a CV's entry by its year in the margin: "2017 Research Intern (summer), Tonalis ...".)
        entry = _YEAR_ENTRY.match(line) and current and current.split()[-1].lower() not in _FUNCTION_WORDS
        if (
            not line
            or current.endswith((".", "!", "?", ":"))
            or (_INLINE_FIELD.match(current) and _INLINE_FIELD.match(line))
            or entry
        ):
            out.append(current)
            current = ""
        if not line:
            continue
        current = unwrap((current, line))
        if len(line) < 0.75 * width:
            out.append(current)
            current = ""
    out.append(current)
    return "\n\n".join(paragraph for paragraph in out if paragraph)


def _pdf_heading(line: str, after: str, before: str) -> bool:
    """A short line in sentence case between a finished phrase and a sentence ("Notes on
    marking"): a heading, not the end of the line above it ("... University of" / "Cambridge")."""
    found = line.split()
    return (
        2 <= len(found) <= _PDF_HEADING_WORDS
        and line[0].isupper()
        and any(word[0].islower() for word in found[1:])
        and not line.endswith((".", ",", ";", ":", "!", "?"))
        and after[:1].isupper()
        and before.split()[-1].lower() not in _FUNCTION_WORDS
    )


_PDF_HEADING_WORDS = 4
_YEAR_ENTRY = re.compile(r"(?:19|20)\d{2}(?:\s*[–-]\s*(?:(?:19|20)\d{2})?)?\s+[A-Z]")
# A field of many values, one a line: "Supervisors: ...", "Co-authors: ...".
_PLURAL_FIELD = re.compile(r"^[A-Z][\w-]*(?: [\w-]+){0,2}s: [^:]+$")
_FUNCTION_WORDS = frozenset(re.findall(r"\w+", "a an the of in on at to for with and or by from as"))


def unwrap(lines: Iterable[str]) -> str:
    """Hard-wrapped lines as one: a space at each break, none after a word's hyphen ("variant-" /
    "calling" is "variant-calling")."""
    out = ""
    for line in lines:
        out = f"{out}{line}" if _HYPHEN_BREAK.search(out) and line[:1].islower() else f"{out} {line}".strip()
    return out


_HYPHEN_BREAK = re.compile(r"[^\W\d_]-$")
_READERS = {
    ".md": _read_markdown,
    ".markdown": _read_markdown,
    ".txt": _read_text,
    ".pdf": _read_pdf,
    ".yaml": _read_yaml,
    ".yml": _read_yaml,
}


# What a file is when its front matter does not say: by its name, then by its folder.
_TYPE_WORDS = {
    "project": "project",
    "projects": "project",
    "case": "project",  # "case-studies/museum-kiosk.md": a project written up
    "portfolio": "project",
    "resume": "resume",
    "cv": "resume",
    "experience": "resume",
    "faq": "faq",
    "about": "about",
    "bio": "about",
    "profile": "about",
    "certification": "certification",
    "certifications": "certification",
    "certificates": "certification",
    "certs": "certification",
    "transcript": "transcript",
    "talk": "talk",
    "talks": "talk",
    "skills": "skills",
    "now": "now",  # a "now page": what they are doing at this point (nownownow.com)
    "education": "education",
    "publication": "publication",
    "publications": "publication",
    "papers": "publication",
    "blog": "blog",
    "posts": "blog",
    "articles": "blog",
    "reference": "reference",
    "references": "reference",
    "recommendation": "reference",
}


def inferred_type(source: str) -> str:
    """ "projects/sorrel.md", "project_selkie.md", "cv.md" -> "project", "project", "resume"."""
    parts = re.split(r"[\\/]", source.lower())
    for part in (parts[-1].rsplit(".", 1)[0], *reversed(parts[:-1])):
        for word in re.split(r"[-_.\s]+", part):
            if word in _TYPE_WORDS:
                return _TYPE_WORDS[word]
    return "document"


def _document(source: str, sha: str, title: str, meta: dict[str, Any], sections: list[Section]) -> Document:
    sections = [s for s in sections if s.text.strip()]
    if not sections:
        raise IngestError(f"{source}: no text to index")
    tags = meta.get("tags") or ()
    return Document(
        source=source,
        title=title.strip(),
        doc_type=str(meta.get("doc_type") or inferred_type(source)),
        sections=sections,
        sha256=sha,
        url=str(meta.get("url") or ""),
        tags=tuple(str(tag) for tag in tags) if isinstance(tags, list | tuple) else (str(tags),),
        dates={key: _iso(meta[key]) for key in _DATE_KEYS if meta.get(key)},
    )


def _markdown_sections(content: str, *, atx: bool = True) -> tuple[list[Section], str | None]:
    """Split on headings outside code fences, tracking the heading path: ATX ("## Talks", unless
    `atx` is false: plain text) and setext (a line underlined with === or ---)."""
    return _Splitter(content.splitlines(), atx=atx).run()


class _Splitter:
    def __init__(self, written: list[str], *, atx: bool) -> None:
        self.written = written
        self.atx = atx
        self.sections: list[Section] = []
        self.path: list[tuple[int, str]] = []
        self.lines: list[str] = []
        self.in_fence = False
        self.levels: list[int] = []
        self.labels: set[int] = set()  # the levels given to labels, not to headings
        self.indents: dict[int, int] = {}  # how far a plain-text label at a level is indented
        self.listing = 0  # the level of the plain-text label whose list is being read

    def run(self) -> tuple[list[Section], str | None]:
        skip = 0
        for n, line in enumerate(self.written):
            if skip:
                skip -= 1
                continue
            if _FENCE.match(line):
                self.in_fence = not self.in_fence
            heading, skip = self._heading_at(n, line)
            if heading is None:
                # A rule left over (a thematic break, the top of a boxed heading) is no text; in a
                # code block it is.
                if self.in_fence or not _UNDERLINE.match(line):
                    self.lines.append(line)
                continue
            if _UNDERLINE.match(line):
                self.lines.pop()  # the underlined line is the heading's text
            self._flush()
            level, title = heading
            self.levels.append(level)
            self.path = [(lvl, t) for lvl, t in self.path if lvl < level] + [(level, title)]
        self._flush()
        sections = self.sections
        if self.levels.count(1) == 1 and self.levels[0] == 1 and not sections[0].text:
            # A single leading H1 is the document's title, not a section: drop it from every path.
            return [Section(s.headings[1:], s.text) for s in sections], sections[1].headings[0]
        return sections, None

    def _heading_at(self, n: int, line: str) -> tuple[tuple[int, str] | None, int]:
        """The heading a line opens, if any, and how many lines after it the heading takes."""
        if self.in_fence:
            return None, 0
        heading = _heading(line, self.lines, atx=self.atx)
        if heading is not None:
            self.labels.discard(heading[0])
            self.listing = 0
            return heading, 0
        if not self.atx and (numbered := _numbered_heading(self.written, n)):
            self.listing = 0
            return (_NUMBERED_LEVEL, numbered), 0
        if not self.atx and (capitals := _capitals_heading(self.written, n)):
            self.listing = 0
            return (_CAPITALS_LEVEL, capitals), 0
        if not self.atx and (named := _record_name(self.written, n)):
            self.listing = self._label_level()
            return (self.listing, named), 0
        if not self.atx and (entry := _text_label(self.written, n)):
            self.listing = self._label_level(_indent(line))
            return (self.listing, entry[0]), entry[1]
        if self.atx and (label := _label(self.written, n)):
            return (self._label_level(), label), 0
        ended = n and not self.written[n - 1].strip() and line.strip() and not line[0].isspace()
        if self.listing and ended and not LIST_ITEM.match(line):
            # Past the end of a plain-text label's list: the lines are its parent section's again.
            self._flush()
            self.path = [(lvl, t) for lvl, t in self.path if lvl < self.listing]
            self.listing = 0
        return None, 0

    def _label_level(self, indent: int | None = None) -> int:
        """One level below the section a label sits in; the next label is its sibling, not its
        child, unless it is indented under it (an employer over the titles held there)."""
        level = 1 + max(
            (
                lvl
                for lvl, _ in self.path
                if lvl not in self.labels or self.indents.get(lvl, indent or 0) < (indent or 0)
            ),
            default=0,
        )
        self.labels.add(level)
        if indent is not None:
            self.indents[level] = indent
        return level

    def _flush(self) -> None:
        # (Blank lines trimmed, not the first line's indent: a nested list that opens a section.)
        text = "\n".join(self.lines).strip("\n").rstrip()
        self.sections.append(Section(tuple(title for _, title in self.path), text))
        self.lines.clear()


def _tab_tables(text: str) -> str:
    """Tab-separated lines (a header, then rows of as many cells: "2024-now<TAB>Senior Platform
    Engineer<TAB>Southerly Risk Ltd") as a Markdown table, each row read with its header."""
    lines = text.splitlines()
    # (Tabs that align columns come in runs, "Term<TAB><TAB>Course": a run is one break.)
    cells = [_TABS.split(line.strip()) if "\t" in line else [line] for line in lines]
    out: list[str] = []
    n = 0
    while n < len(lines):
        width = len(cells[n])
        end = n
        while end < len(lines) and width > 1 and len(cells[end]) == width:
            end += 1
        if end - n < _TAB_ROWS:
            out.append(lines[n])
            n += 1
            continue
        # (A rule under the header, "----<TAB>------", is no row.)
        rows = [row for row in cells[n:end] if not all(_RULE.match(cell) for cell in row)]
        out += ["", "| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
        out += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        out.append("")
        n = end
    return "\n".join(out)


_TAB_ROWS = 3  # a header and two rows
_TABS = re.compile(r"\s*\t\s*")


def _text_tables(text: str) -> str:
    """Plain-text tables (a header row of columns two spaces apart, after a blank line and ruled
    off with dashes) as Markdown tables, so that each row is read with its header: "Course:
    Statistics; Grade: 9.5". A line of one cell continues the row above (a wrapped title); any
    other line that does not fit the columns ends the table and stays as it is. When the rule
    marks each column with its own dashes, rows are cut where the columns are, and a line with its
    first column empty (or one cell only) continues the row above in every column it fills."""
    lines = text.splitlines()
    out: list[str] = []
    n = 0
    while n < len(lines):
        header = _COLUMNS.split(lines[n].strip())
        opens = n == 0 or not lines[n - 1].strip()
        if len(header) < 2 or not opens or n + 1 >= len(lines) or not _RULE.match(lines[n + 1]):
            out.append(lines[n])
            n += 1
            continue
        starts = [m.start() for m in re.finditer(r"-+", lines[n + 1])]
        starts = starts if len(starts) == len(header) else []
        rows: list[list[str]] = []
        n += 2
        while n < len(lines) and lines[n].strip() and not _RULE.match(lines[n]):
            cells = _sliced(lines[n], starts) if starts else _cells(lines[n], len(header))
            if cells is not None and rows and (not cells[0] or sum(map(bool, cells)) == 1):
                rows[-1] = [f"{old} {new}".strip() for old, new in zip(rows[-1], cells, strict=True)]
            elif cells is None and rows and len(_COLUMNS.split(lines[n].strip())) == 1:
                rows[-1][0] = f"{rows[-1][0]} {lines[n].strip()}"
            elif cells is None:
                break
            else:
                rows.append(cells)
            n += 1
        out += ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
        out += ["| " + " | ".join(cells) + " |" for cells in rows]
        out.append("")
    return "\n".join(out)


def _aligned_pairs(text: str) -> str:
    """Plain-text lines of a name and its value aligned in a column, with no header ("Polish
    native" / "Yoruba      conversational"), as "Name: value"; a line indented to the value's
    column goes on with the value above it."""
    lines = text.splitlines()
    out: list[str] = []
    n = 0
    while n < len(lines):
        match = _ALIGNED.match(lines[n])
        # (Not a timeline's dates: "Mar 2021   "Burn-rate alerts in practice" - guest post".)
        match = None if match and re.match(_ENTRY_DATE, match.group(1), re.IGNORECASE) else match
        column = match.start(2) if match else 0
        run: list[str] = []
        end = n
        while end < len(lines):
            pair = _ALIGNED.match(lines[end])
            if pair and pair.start(2) == column:
                run.append(f"{pair.group(1)}: {pair.group(2)}")
            elif run and lines[end].strip() and _indent(lines[end]) == column:
                run[-1] = f"{run[-1]} {lines[end].strip()}"
            else:
                break
            end += 1
        opens = n == 0 or not lines[n - 1].strip()
        if match is None or not opens or len(run) < _ALIGNED_ROWS:  # (a value's wrapped line adds no row)
            out.append(lines[n])
            n += 1
            continue
        out += run
        n = end
    return "\n".join(out)


def _asked_lines(text: str) -> str:
    """An FAQ kept a line a question ("Relocation? - open to Lisbon or remote." / "Notice period? -
    30 days"): each question the heading of its answer, as an FAQ's in Markdown."""
    lines = text.splitlines()
    asked = [_ASKED_LINE.match(line) for line in lines]
    out: list[str] = []
    for n, (line, match) in enumerate(zip(lines, asked, strict=True)):
        beside = [asked[m] for m in (n - 1, n + 1) if 0 <= m < len(lines)]
        if match is None or not any(beside):
            out.append(line)
            continue
        question = match.group(1)
        out += ["", question, "-" * len(question), match.group(2), ""]
    return "\n".join(out)


_ASKED_LINE = re.compile(r"^([A-Z][^?\n]{1,80}\?)\s+[-–—]\s+(\S.*)$")


# A name of one to three words, two or more spaces, then its value (not a "Key:" line, not columns).
# (Or a dash between them, aligned too: "Portuguese - native" / "English    - fluent".)
_ALIGNED = re.compile(r"^([A-Z][^\s:]*(?: [^\s:]+){0,2})(?:[ \t]+[-–—][ \t]+|[ \t]{2,})(\S(?:(?!\s{2})[^:])*)$")
_ALIGNED_ROWS = 2


def _sliced(line: str, starts: list[int]) -> list[str] | None:
    """A row cut where the rule's columns start; a word running over a column's start stays whole."""
    bounds = []
    for start in starts[1:]:
        while 0 < start < len(line) and not line[start - 1].isspace() and not line[start].isspace():
            start += 1
        bounds.append(start)
    cells = [line[a:b].strip() for a, b in zip([0, *bounds], [*bounds, len(line)], strict=True)]
    return cells if any(cells) and len(set(bounds)) == len(bounds) else None


def _cells(line: str, columns: int) -> list[str] | None:
    cells = _COLUMNS.split(line.strip())
    # "Internship (Port of Lindmarsch analytics) 15": a long cell that ran into the next column.
    for n in range(len(cells)):
        if len(cells) >= columns:
            break
        head, _, tail = cells[n].rpartition(" ")
        if head and len(tail) <= 6:
            cells[n : n + 1] = [head, tail]
    return cells if len(cells) == columns else None


def _heading(line: str, previous: list[str], *, atx: bool) -> tuple[int, str] | None:
    underline = _UNDERLINE.match(line)
    above = previous[-1].strip() if previous else ""
    # Not a list item, a table row or a quote; not columns of a plain-text table ("Course   ECTS").
    heading_like = above and not above.startswith(("-", "*", "|", ">")) and "  " not in above and len(above) <= 120
    # (Nor a field under the title that the rule underlines too: "last updated: 14.08.2026".)
    heading_like = heading_like and not _FIELD_LINE.match(above)
    if underline and heading_like and len(line.strip()) >= 3:
        return (1 if underline.group(1)[0] == "=" else 2), above
    match = _HEADING.match(line) if atx else _EQUALS_HEADING.match(line)
    return (len(match.group(1)), match.group(2)) if match else None


def _label(lines: list[str], n: int) -> str | None:
    """A bold line standing alone right over a list ("**Caremesh Health** — Cork"), as a heading."""
    match = _BOLD_LABEL.match(lines[n].strip())
    if match is None or (n and lines[n - 1].strip()):
        return None
    following = next((line for line in lines[n + 1 :] if line.strip()), "")
    # Or right over the dates of what was done there ("Engineering Manager, October 2024 - present"),
    # an employer over each title held there.
    below = lines[n + 1].strip() if n + 1 < len(lines) else ""
    dated = bool(_YEAR.search(below)) and len(below) <= _LABEL_LINE and not below.endswith((".", ":"))
    listed = LIST_ITEM.match(following) or (dated and not LIST_ITEM.match(below))
    return f"{match.group(1).strip()}{(match.group(2) or '').rstrip()}" if listed else None


def _numbered_heading(lines: list[str], n: int) -> str | None:
    """In plain text, a numbered line in capitals standing alone ("1. BACHELOR OF DESIGN (BDes),
    INTERACTION DESIGN"): a heading, below the underlined ones."""
    match = _NUMBERED_CAPS.match(lines[n])
    alone = (not n or not lines[n - 1].strip()) and (n + 1 >= len(lines) or not lines[n + 1].strip())
    if match is None or not alone:
        return None
    letters = [ch for ch in match.group(1) if ch.isalpha()]
    capitals = sum(ch.isupper() for ch in letters)
    return match.group(1).strip() if len(letters) >= 4 and capitals >= 0.75 * len(letters) else None


_LABEL_LINE = 90
# (A field in lower case, or one of a date: not "National Diploma: Information Technology".)
_FIELD_LINE = re.compile(r"^(?:[a-z][\w ]{0,30}:\s+\S|[A-Za-z][\w ]{0,30}:\s+[\d./-]+$)")
_NUMBERED = re.compile(r"^\[\d{1,3}\]\s+")
_INDENT = 4  # the text of an entry indented under it, not a value aligned to a column
_FIELDS_LINE = 130


def _capitals_heading(lines: list[str], n: int) -> str | None:
    """In plain text, a short line in capitals after a blank line ("EXPERIENCE", "CERTIFICATIONS &
    COURSES"), with its section's text under it: a heading, below the underlined ones (not the
    first line, the owner's name over the contact lines)."""
    line = lines[n].strip()
    after = next((line for line in lines[n + 1 :] if line.strip()), "")
    if not n or lines[n - 1].strip() or not after or _UNDERLINE.match(after) or len(line.split()) > _CAPITALS_WORDS:
        return None
    letters = [ch for ch in line if ch.isalpha()]
    if len(letters) < 4 or not all(ch.isupper() for ch in letters) or not _CAPITALS.fullmatch(line):
        return None
    return line


def _text_label(lines: list[str], n: int) -> tuple[str, int] | None:
    """In plain text, one to three short lines standing right over a list ("Sessional Lecturer -
    University of Assiniboine" / "Jan 2020 - present", then "  - I teach ..."; an employer over
    two titles held there): the entry's heading, and how many lines after the first it takes."""
    before = lines[n - 1] if n else ""
    # (After a blank line, an underline, or the text indented under the entry before it.)
    after_entry = bool(before.strip()) and _indent(before) > _indent(lines[n])
    if before.strip() and not _UNDERLINE.match(before) and not after_entry:
        return None
    # (A record's number over its fields, "[3] Accessible Web Practitioner (AWP)" / "  Issuer: ...";
    # not a reference's wrapped lines, "[1] Quill A, Madsen K. Emergency department ...".)
    fielded = n + 1 < len(lines) and bool(_INLINE_FIELD.match(lines[n + 1].strip()))
    for count in (1, 2, 3):
        # (Columns padded with spaces.)
        label = [" ".join(line.split()) for line in lines[n : n + count]]
        label = [_NUMBERED.sub("", line) for line in label] if fielded else label
        following = lines[n + count] if n + count < len(lines) else ""
        if (
            len(label) < count
            or not all(label)
            or any(LIST_ITEM.match(line) or _UNDERLINE.match(line) for line in label)
        ):
            return None
        # Not a sentence, except a short label ("Guest lectures:").
        short = count == 1 and label[0].endswith(":") and len(label[0].split()) <= 4
        # (A job's line of fields may run longer: "Pizzicato Apps | Freelance iOS Developer | ...".)
        long = [len(line) > (_FIELDS_LINE if " | " in line else _LABEL_LINE) for line in label]
        if any(too or line.endswith((".", ":", "!", "?")) for too, line in zip(long, label, strict=True)) and not short:
            return None
        label = [line.removesuffix(":") for line in label]
        # (Over its list, or over its text indented under it: "LLB (Hons): Sep 2008 - Jul 2012" /
        # "University of Nairobi, Kenya" / "  Second Class Honours (Upper Division).")
        # (Not a timeline's entry and its note: "2008-10  started the Laurea" / "   moved to Turin".)
        # (Nor a value wrapped onto the line below, aligned under it: "Languages   : C, C++," /
        # "              Python for tooling".)
        wrapped = any(line.endswith(",") or line.split()[-1].lower() in _FUNCTION_WORDS for line in label)
        no_entry = re.match(_ENTRY_DATE, label[0], re.IGNORECASE) or wrapped
        own = _indent(lines[n])
        indented = following.strip() and own < _indent(following) <= own + _INDENT and not no_entry
        if LIST_ITEM.match(following) or indented:
            return ", ".join(label), count - 1
        # Over a blank line and entries indented under it: an employer over the titles held there
        # ("VENTURA PAY - São Paulo" / "" / "  Engineering Manager      Feb 2023 - Present" / "  - ...").
        below = next((m for m in range(n + count, len(lines)) if lines[m].strip()), None)
        over = count == 1 and not following.strip() and below is not None and _indent(lines[below]) > own
        if over and not no_entry and below is not None and _text_label(lines, below) is not None:
            return label[0], 0
        # Underlined before its list: "Solvane Mobility -- Lyon" / "Senior Firmware Engineer  Sep
        # 2019 - Feb 2022" / "--------" / "  * Battery management ...".
        after = lines[n + count + 1] if n + count + 1 < len(lines) else ""
        if count > 1 and _UNDERLINE.match(following) and LIST_ITEM.match(after):
            return ", ".join(label), count
    return None


def _record_name(lines: list[str], n: int) -> str | None:
    """In plain text, a record's naming field after a blank line, over the record's other fields
    ("Company: Tonvag AB" / "Title: Senior ML Engineer" / "Dates: Feb 2024 - present"): the
    record's heading, as a YAML list of jobs gives each its own."""
    match = _NAMING_FIELD.match(lines[n])
    following = lines[n + 1] if n + 1 < len(lines) else ""
    if match is None or (n and lines[n - 1].strip()) or not _INLINE_FIELD.match(following):
        return None
    return match.group(1).strip()


# (Not "Name:", the owner's own: a record of the person, not one of the person's.)
_NAMING_FIELD = re.compile(
    r"^(?:Company|Employer|Organi[sz]ation|Institution|University|School|Client)\s*:\s+(\S.*)$", re.IGNORECASE
)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _first_heading(sections: list[Section]) -> str | None:
    return next((s.headings[0] for s in sections if s.headings), None)


def _render(value: Any, indent: int = 0, *, words_inline: bool = False) -> str:
    """Structured facts as readable lines: mappings become 'Key: value', lists become bullets
    (`words_inline`: a list of short scalars one line, "Stack: Python, dbt, PostgreSQL")."""
    pad = "  " * indent
    if isinstance(value, dict):
        lines = []
        for key, item in _with_values(value).items():
            if words_inline and _words(item):
                lines.append(f"{pad}{_humanize(str(key))}: {_inline(item)}")
            elif isinstance(item, dict | list):
                lines.append(f"{pad}{_humanize(str(key))}:")
                lines.append(_render(item, indent + 1))
            else:
                lines.append(f"{pad}{_humanize(str(key))}: {_scalar(item)}")
        return "\n".join(lines)
    if isinstance(value, list):
        return "\n".join(_listed(item, indent) for item in value)
    return f"{pad}{_scalar(value)}"


# A record longer than this in one line is a section of its own (its fields, its lists).
_LINE_CHARS = 400
# The fields a record is known by, first found first: its section's heading when it is too big for a line.
_NAME_KEYS = ("name", "title", "company", "organization", "organisation", "institution", "employer", "position")


def _sections_of(heading: str, value: Any) -> list[Section]:
    """A top-level key's section; a list of big records (jobs with their highlights), a section
    for each, named by its name: a chunk cut inside one still knows whose highlights it holds."""
    items = value if isinstance(value, list) else []
    if any(_named(item) for item in items):
        # The small ones too (the last job, with no highlights), each named like the others.
        records = [_named(item, big=False) for item in items]
        names = [record[0] for record in records if record]
        if all(records) and len(set(names)) == len(names):  # not three degrees all named "Università di Torino"
            return [Section((heading, name), _render(rest)) for name, rest in filter(None, records)]
    return [Section((heading,), _render(value))]


def _named(item: Any, *, big: bool = True) -> tuple[str, dict[Any, Any]] | None:
    """A record (`big`: too big for a line, as a job with its highlights is), as its name and the rest."""
    if not isinstance(item, dict) or (big and len(_inline(item)) <= _LINE_CHARS):
        return None
    named = {str(k).lower(): k for k, v in item.items() if v is not None and not isinstance(v, dict | list)}
    key = next((named[k] for k in _NAME_KEYS if k in named), next(iter(named.values()), None))
    return None if key is None else (_scalar(item[key]), {k: v for k, v in item.items() if k != key})


def _listed(item: Any, indent: int) -> str:
    """A list's entry: one line, or a big record as a section named by its name, its fields under it."""
    pad = "  " * indent
    record = _named(item)
    if record is None:
        return f"{pad}- {_inline(item)}"
    name, rest = record
    return f"{pad}{name}:\n{_render(rest, indent + 1)}"


def _words(item: Any) -> bool:
    """A list of a few words each ("[Python, Apache Airflow, dbt]"), as a stack or tags are."""
    return isinstance(item, list) and all(
        not isinstance(v, dict | list) and len(_scalar(v).split()) <= _WORDS_PER_ITEM for v in item
    )


_WORDS_PER_ITEM = 4


def _with_values(mapping: dict[Any, Any]) -> dict[Any, Any]:
    """A mapping's fields that say something: "credential_id:" with nothing after it says nothing;
    "expires: null" says it never expires."""
    return {
        key: "never" if item is None else item
        for key, item in mapping.items()
        if item is not None or expiry_key(_humanize(str(key)))
    }


def _inline(item: Any) -> str:
    if isinstance(item, dict):
        return "; ".join(f"{_humanize(str(k))}: {_inline(v)}" for k, v in _with_values(item).items())
    if isinstance(item, list):
        return ", ".join(_inline(v) for v in item)
    return _scalar(item)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _humanize(key: str) -> str:
    """ "start_date", "start-date", "startDate": "Start date"."""
    camel = re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)+", key)  # not "McDonald" nor "iOS"
    words = re.sub(r"(?<=[a-z])([A-Z])", lambda m: " " + m.group(1).lower(), key) if camel else key
    words = words.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def _title_from_name(source: str) -> str:
    return _humanize(Path(source).stem)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
