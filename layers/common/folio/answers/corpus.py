"""What the answer path knows of the whole corpus: word rarity, the outline of headings, the
documents by type. Built once per index version, shared by every question."""

from __future__ import annotations

import difflib
import itertools
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from folio.answers.text import (
    CANON,
    CURRENT,
    DATE,
    DEGREES,
    FIRST_PERSON,
    JOB,
    MONTH,
    SINCE,
    acronyms,
    heading_stems,
    idioms,
    named_kinds,
    stem,
    stems,
    with_kinds,
    words,
)
from folio.answers.units import Unit, parse_units

if TYPE_CHECKING:
    from collections.abc import Iterable

    from folio.index import Snapshot


# (A short name, or initials: "most people call me PK".)
_CALLED = re.compile(r"\b(?:goes by|calls? (?:her|him|them|me))\s+\**[\"“]?([A-Z][a-z]+|[A-Z]{2,3})\b")
# ('Damilare ("Dare") Akintola', 'Jacobus (Kobus) van Wyk': a surname may open with a particle.)
_ALIAS = re.compile(
    r"\b([A-Z][a-z]+)\s+(?:\([\"“']?|[\"“'])([A-Z][a-z]+|[A-Z]{2,3})(?:[\"”']?\)|[\"”'])"
    r"\s+(?:[A-Z]|(?:van|von|de|da|del|der|di|du|le|la|ten|ter|al|el|bin)\s)"
)


@dataclass(frozen=True)
class Located:
    unit: Unit
    row: int  # the snapshot row of its chunk


class Corpus:
    def __init__(self, snapshot: Snapshot) -> None:
        columns = snapshot.columns
        self.size = snapshot.size
        self.df: Counter[str] = Counter()
        by_source: dict[str, set[str]] = {}
        self.outline: list[Located] = []
        self.by_row: dict[int, list[Located]] = {}
        self.first_row: dict[str, int] = {}
        for row, text in enumerate(columns["text"]):
            self.by_row[row] = [Located(unit, row) for unit in parse_units(text)]
            # What the chunk's headings name, in any words ("Off the clock": hobbies).
            units = [loc.unit for loc in self.by_row[row]]
            headings = {h for unit in units for h in unit.path} | {u.text for u in units if u.kind == "heading"}
            found = with_kinds(stems(text) | acronyms(text) | named_kinds(text)).union(*map(idioms, headings))
            self.df.update(found)
            source = columns["source"][row]
            by_source.setdefault(source, set()).update(found)
            self.first_row.setdefault(source, row)
            self.outline += self.by_row[row]
        self.source_words = {source: frozenset(found) for source, found in by_source.items()}
        # Words in a good share of the documents are what the corpus is about (its owner's name,
        # the documents' shared vocabulary): they tell no passage from another.
        sources = max(len(by_source), 1)
        per_source = Counter(word for words in by_source.values() for word in words)
        self.common = frozenset(w for w, n in per_source.items() if sources >= 4 and n / sources >= 0.75)
        self.children: dict[tuple[str, ...], set[str]] = {}
        self.paths: dict[tuple[str, ...], None] = {}  # every heading path, in document order
        for located in self.outline:
            unit = located.unit
            path = (*unit.path, unit.text) if unit.kind == "heading" else unit.path
            for depth in range(1, len(path) + 1):
                self.paths.setdefault(path[:depth])
                if depth < len(path):
                    self.children.setdefault(path[:depth], set()).add(path[depth])
        # Things the documents name in lower case: a name, whatever the visitor's question makes of it.
        self.lower_names = _lower_names(self.paths, self.outline)
        self._heading_words = frozenset().union(*(heading_stems(h) for path in self.paths for h in path[1:]))
        self.first_person = frozenset(_first_person(columns))
        self.aliases = _aliases(columns["text"])
        # The words the documents write only as a part of one ("car" of "Car-VAL-yo").
        written = [w for text in columns["text"] for w in words(text)]
        parts = {stem(part) for w in written if "-" in w for part in w.split("-")}
        self.parts_only = frozenset(parts - {stem(w) for w in written})
        # The stems of words the documents write in lower case somewhere: common words, not a
        # person's name ("volunteered": "Volunteer" is no one).
        self.lowercase = frozenset(
            stem(word.strip(_PUNCTUATION))
            for text in columns["text"]
            for word in text.split()
            if _LOWER_WORD.fullmatch(word.strip(_PUNCTUATION))  # not an address: "tomas@example.org"
        )
        # Each section's first line: an FAQ's answer opens with what it says ("Crypto and ad-tech.").
        self.openings: dict[tuple[str, ...], str] = {}
        for located in (loc for loc in self.outline if loc.unit.kind != "heading"):
            self.openings.setdefault(located.unit.path, located.unit.text)
        self.keys = _section_keys(self.outline)
        self.all_keys = frozenset(word for found in self.keys.values() for word in found)
        # Jobs kept as records ("work:" > "Mareline Logistics": "Position: ...", "Start date: ..."):
        # each in one line, its name, role and dates.
        self.records = _job_records(self.outline)
        self.positions = frozenset(
            located.unit.text
            for located in self.outline
            if _is_position(located.unit) and not (located.unit.path and located.unit.path[-1] in self.records)
        ) | frozenset(self.records)
        # A chunk holding a work-history entry speaks of a job, its role and employer, in any words.
        # (And of now, when the entry is current: "since 02/2025 — Tech Lead".)
        for row, located_units in self.by_row.items():
            held = [self.told(loc.unit.text) for loc in located_units if loc.unit.text in self.positions]
            said = stems(columns["text"][row]) | acronyms(columns["text"][row])
            now = {"current"} if any(CURRENT.search(text) for text in held) else set()
            if held:
                self.df.update((JOB | now) - said)
        self.unit_matrix = snapshot.unit_vectors([located.unit.embed_text for located in self.outline])
        self.doc_types: dict[str, list[int]] = {}
        for row in sorted(self.first_row.values()):
            self.doc_types.setdefault(columns["doc_type"][row], []).append(row)
        self._extensions: dict[str, frozenset[str]] = {}
        self._spellings: dict[str, str] = {}
        # Each word of the documents, and each synonym of one, by the stem the documents are read in.
        spelled = {**{w: w for w in self.df}, **{w: canon for w, canon in CANON.items() if canon in self.df}}
        self._vocabulary = {w: canon for w, canon in spelled.items() if w.isalpha() and len(w) >= 5}
        self._pairs = _adjacent(located.unit.text for located in self.outline)
        self._naming = _by_term(self.outline)
        # A document headed by a name ("University College Cork" atop a transcript) is that
        # name's throughout: its "Project supervisor: ..." is the supervisor at UCC.
        self.sources: list[str] = list(columns["source"])
        # (So is a thesis by the degree it was submitted for.)
        self._letterheads = self._identities(columns)
        for row in self.first_row.values():
            kind = stem(columns["doc_type"][row])
            self._pairs.update((name, kind) for name in stems(columns["title"][row]))

    def told(self, text: str) -> str:
        """A line as the answer tells it: a job kept as a record by its name, role and dates."""
        return self.records.get(text, text)

    def _identities(self, columns: dict[str, list[Any]]) -> dict[str, frozenset[str]]:
        """What names each document throughout: its letterhead, and what its top says it is."""
        texts: dict[str, list[str]] = {}
        for source, text in zip(columns["source"], columns["text"], strict=True):
            texts.setdefault(source, []).append(text)
        identities = {}
        for source, row in self.first_row.items():
            head = _letterhead(self.by_row[row])
            identities[source] = stems(head) | acronyms(head) | _identity(columns["text"][row], texts[source])
        return identities

    def heads(self, unit: Unit) -> bool:
        """Whether a unit heads a section: a heading, or an item over items ("- **Google Cloud
        Certified ...**" over "  - Issued: 14 Apr 2021", "  - Expires: ...")."""
        return unit.kind == "heading" or (unit.kind == "item" and (*unit.path, unit.text) in self.paths)

    def full_path(self, unit: Unit) -> tuple[str, ...]:
        """The path of the section a unit heads, else of the one it is in."""
        return (*unit.path, unit.text) if self.heads(unit) else unit.path

    def naming(self, terms: set[str]) -> list[Located]:
        """The units whose own words hold every one of the terms, in document order."""
        first, *rest = sorted(terms) or [""]
        return [loc for loc in self._naming.get(first, []) if all(t in stems(loc.unit.text) for t in rest)]

    def letterhead(self, row: int) -> frozenset[str]:
        """The words of the name a chunk's document is headed by, if it is headed by one."""
        return self._letterheads.get(self.sources[row], frozenset())

    def describes(self, name: str, noun: str) -> bool:
        """Whether the documents call the named thing a <noun> ("the Gannet module", "Project
        Quietlane", a title of a document of that type)."""
        return (name, noun) in self._pairs or (noun, name) in self._pairs

    def closest_rows(self, vector: np.ndarray, units: int) -> list[int]:
        """The chunks holding the units closest in meaning to a query, anywhere in the corpus."""
        if not self.outline:
            return []
        scores = self.unit_matrix @ vector.astype(np.float32)
        top = np.argsort(-scores)[:units]
        return list(dict.fromkeys(self.outline[n].row for n in top.tolist()))

    def names_a_field(self, terms: tuple[str, ...]) -> bool:
        """Whether a one-word question names a field of the documents' records ("Pronouns?" for
        "Pronouns: they/them"), not a whole topic ("Experience?", "Projects?")."""
        return len(terms) == 1 and terms[0] in self.all_keys and terms[0] not in _TOPIC_WORDS

    def names_a_topic(self, terms: tuple[str, ...]) -> bool:
        """Whether a one-word question names a topic of the documents ("Experience?", "Hobbies?"),
        not only goes on ("more?")."""
        return len(terms) == 1 and (terms[0] in _TOPIC_WORDS or terms[0] in self._heading_words)

    def weight(self, term: str) -> float:
        n = self.df.get(term, 0) or sum(self.df[w] for w in self._versions(term))
        return math.log(1 + self.size / n) if n else 0.0

    def known(self, term: str) -> bool:
        """Whether the documents use a word; a hyphenated one also when written apart ("5th-year"
        as "5th year")."""
        if term in self.df or bool(self._versions(term)):
            return True
        parts = [stem(part) for part in term.split("-")]
        return len(parts) > 1 and all(part in self.df for part in parts)

    def _versions(self, term: str) -> frozenset[str]:
        """The releases a version the documents never write whole names: "1.0" of "1.0.0"."""
        return self.extensions(term) if _VERSION.fullmatch(term) and term not in self.df else frozenset()

    def extensions(self, term: str) -> frozenset[str]:
        """Longer words of the documents that a clipped one stands for ("synth" -> "synthes"; a
        version's "1.0" -> "1.0.0")."""
        version = _VERSION.fullmatch(term)
        if not version and (len(term) < 5 or not term.isalpha()):
            return frozenset()
        found = self._extensions.get(term)
        if found is None:
            if version:
                release = f"{version.group(1)}."
                found = frozenset(w for w in self.df if _VERSION.fullmatch(w) and w.lstrip("v").startswith(release))
            else:
                found = frozenset(w for w in self.df if w.startswith(term) and w != term and len(w) - len(term) <= 6)
            self._extensions[term] = found
        return found

    def spelled(self, term: str) -> str:
        """The documents' word that a misspelt one stands for ("relocatng" -> "relocat"), else the word."""
        # (A word of the domain's own vocabulary is no typo: "married" is not the "Merri" orchestra.)
        if term in self.df or len(term) < 5 or not term.isalpha() or term in _VOCABULARY:
            return term
        found = self._spellings.get(term)
        if found is None:
            if len(self._spellings) >= _SPELLINGS_KEPT:
                self._spellings.clear()  # visitors' words are unbounded; the memory for them is not
            # The closest few by difflib's ratio, then the first within a typo or two of it: a letter
            # left out, added, changed or two swapped ("poepl"), two of them in a long word; never the first.
            close = difflib.get_close_matches(term, self._vocabulary, n=3, cutoff=_SPELLING)
            allowed = 1 if len(term) < 9 else 2
            typo = next((w for w in close if w[0] == term[0] and _typos(term, w) <= allowed), None)
            found = self._spellings[term] = self._vocabulary[typo] if typo else term
        return found


def _typos(a: str, b: str) -> int:
    """The letters to add, drop, change or swap to turn one word into the other (Damerau-Levenshtein,
    adjacent swaps)."""
    rows = [list(range(len(b) + 1))]
    for i, x in enumerate(a, 1):
        row = [i]
        for j, y in enumerate(b, 1):
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (x != y)))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


# Words that name a whole topic of a person's documents, whatever field shares the name.
_TOPIC_WORDS = JOB | frozenset(
    stem(w) for w in ("education", "projects", "skills", "certifications", "talks", "publications", "background")
)
# A first screen of how alike a misspelt word and the documents' word are (difflib's ratio).
_SPELLING = 0.75
_VOCABULARY = frozenset(CANON) | frozenset(CANON.values())
_SPELLINGS_KEPT = 4096


def _section_keys(outline: list[Located]) -> dict[tuple[str, ...], frozenset[str]]:
    """The keys of the records in each section: "Expires" of the certifications."""
    keys: dict[tuple[str, ...], set[str]] = {}
    for located in outline:
        if located.unit.kind in ("pair", "row"):
            keys.setdefault(located.unit.path, set()).update(_record_keys(located.unit.text))
    return {path: frozenset(found) for path, found in keys.items()}


def _record_keys(text: str) -> set[str]:
    return {word for part in text.split("; ") if ": " in part for word in stems(part.partition(": ")[0])}


def _is_position(unit: Unit) -> bool:
    """An entry of a work history: a dated line ("Lead Engineer — Brightmere (May 2021 – present)")
    in a section named for jobs ("Experience", "Employment", "Work history")."""
    within = frozenset().union(*map(heading_stems, unit.path[1:]))  # ("Outside work" is no job's section)
    if not JOB & within or any(heading.endswith("?") for heading in unit.path):
        return False  # not a job's section, or an FAQ's answer ("Does Idris work remotely?")
    if unit.kind in ("item", "pair") and DATE.match(unit.text):
        return True  # a timeline's entry: "2019 — moved to Berlin and joined Kapsel Health ..."
    if unit.kind != "heading" and any(_dated(heading) for heading in unit.path[1:]):
        return False  # a line about an entry ("Moved both apps to SwiftUI (2022-2023)"), not one
    if unit.kind == "sentence" and not len(DATE.findall(unit.text)) >= 2 and _MEMBER.search(unit.text):
        return False  # a membership held since a year ("a member of the Audio Engineering Society since 2024")
    if unit.kind == "heading" and _MONTHS_SPAN.search(unit.text):
        return True  # a summer's job: "Tonalis B.V. | Research Intern | Jun–Sep 2017"
    return (unit.kind == "heading" or len(unit.text.split()) <= 25) and _dated(unit.text)


_MEMBER = re.compile(r"\b(?:member|fellow|volunteer|subscriber|supporter)\b", re.IGNORECASE)


_ROLE_KEY = stem("role")
_START_KEY = stem("start")
_END_KEY = stem("end")
_DATES_KEY = stem("dates")
# A record's fields by what they hold: "Position"/"Title" the role, "Dates"/"Period" both ends.
_RECORD_KEYS = {
    _ROLE_KEY: frozenset(map(stem, ("role", "title", "position"))),
    _START_KEY: frozenset((_START_KEY,)),
    _END_KEY: frozenset((_END_KEY,)),
    _DATES_KEY: frozenset(map(stem, ("dates", "period"))),
}


def _job_records(outline: list[Located]) -> dict[str, str]:
    """The jobs of a work history kept as records, a section each with its fields (a JSON Resume's
    "work:"): each named in one line, "Mareline Logistics: Senior Data Engineer, 2022-09 – 2024-05"."""
    fields: dict[tuple[str, ...], list[Unit]] = {}
    for located in outline:
        if located.unit.kind == "pair":
            fields.setdefault(located.unit.path, []).append(located.unit)
    jobs: dict[str, str] = {}
    for located in outline:
        unit = located.unit
        if unit.kind != "heading" or not JOB & stems(" ".join(unit.path[1:])):
            continue
        own = fields.get((*unit.path, unit.text), [])
        values = {
            kind: next((f.text.split(": ", 1)[1] for f in own if kinds & stems(f.key)), "")
            for kind, kinds in _RECORD_KEYS.items()
        }
        if DATE.search(values[_START_KEY]):
            dates = f"{values[_START_KEY]} – {values[_END_KEY]}" if values[_END_KEY] else f"since {values[_START_KEY]}"
        else:
            dates = (
                values[_DATES_KEY]
                if len(DATE.findall(values[_DATES_KEY])) >= 2 or SINCE.search(values[_DATES_KEY])
                else ""
            )
        if dates:
            role = f"{values[_ROLE_KEY]}, " if values[_ROLE_KEY] else ""
            jobs[unit.text] = f"{unit.text}: {role}{dates}"
    return jobs


def _dated(text: str) -> bool:
    return len(DATE.findall(text)) >= 2 or bool(SINCE.search(text))


# A few months of one year: "Jun–Sep 2017".
_MONTHS_SPAN = re.compile(rf"\b{MONTH}\s*[-–]\s*{MONTH}\s+(?:19|20)\d{{2}}\b", re.IGNORECASE)


def _adjacent(texts: Iterable[str]) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for text in texts:
        stemmed = [stem(w) for w in words(text)]
        pairs.update(itertools.pairwise(stemmed))
    return pairs


def _by_term(outline: list[Located]) -> dict[str, list[Located]]:
    """Each stem, with the units whose own words hold it, in document order."""
    found: dict[str, list[Located]] = {}
    for located in outline:
        for term in stems(located.unit.text):
            found.setdefault(term, []).append(located)
    return found


def _lower_names(paths: Iterable[tuple[str, ...]], outline: list[Located]) -> frozenset[str]:
    """Things written in lower case with a section of their own ("### planviz", "## tidecount (side
    project)"), or an item that defines them ("glosa: a text normaliser for Spanish and Danish")."""
    headed = (stem(name) for path in paths if _LOWER_NAME.fullmatch(name := re.split(r" [—–(-]", path[-1])[0]))
    defined = (
        stem(found.group(1)) for loc in outline if loc.unit.kind == "item" and (found := _DEFINED.match(loc.unit.text))
    )
    return frozenset((*headed, *defined))


def _aliases(texts: Iterable[str]) -> dict[str, frozenset[str]]:
    """The names the documents give someone besides their own: 'Damilare ("Dare") Akintola'."""
    aliases: dict[str, frozenset[str]] = {}
    text = "\n".join(texts)
    found = [(m.group(1).lower(), m.group(2).lower()) for m in _ALIAS.finditer(text)]
    # (Or what she is called, said of the one the documents are about: 'everyone calls her "Nesh"'.)
    found += [("", m.group(1).lower()) for m in _CALLED.finditer(text)]
    for name, alias in found:
        aliases[name] = aliases.get(name, frozenset()) | {alias}
    return aliases


def _identity(opening: str, texts: list[str]) -> frozenset[str]:
    """What a document says it is near its top: the degree a thesis was submitted for ("A thesis
    submitted for the degree of Doctor of Philosophy": every line of it is the PhD's, its
    "Supervisors: ..."), the code a record goes by ("Incident: INC-2025-0917": its root cause)."""
    top = opening[:_TOP_CHARS]
    degrees = [stems(found.group(1)) | named_kinds(found.group(1)) for found in _FOR_THE_DEGREE.finditer(top)]
    codes = [{stem(found.group(1))} for found in _CODE_FIELD.finditer(top)]
    # (And a transcript's programme: "Programme: MSc Machine Learning" makes its "Dissertation:" the MSc's.)
    # (The document's one programme, not a list of degrees: "- degree: MSc ...", "- degree: B.Eng. ...".)
    one = sum(len(_PROGRAMME_FIELD.findall(text)) for text in texts) == 1
    studied = [stems(found.group(1)) & DEGREES for found in _PROGRAMME_FIELD.finditer(top) if one]
    return frozenset().union(*degrees, *codes, *studied)


def _letterhead(opening: list[Located]) -> str:
    """A document's first line when it is a name alone: "University College Cork"."""
    first = opening[0].unit if opening else None
    if first is None or first.kind not in ("sentence", "heading") or not _LETTERHEAD.fullmatch(first.text):
        return ""
    return first.text


_FOR_THE_DEGREE = re.compile(r"\bsubmitted (?:\w+ )*?for the (?:degree|award) of ((?:[A-Z][\w.]*\s?(?:of |in )?){1,5})")
_TOP_CHARS = 800
_PROGRAMME_FIELD = re.compile(
    r"^\**(?:Programme|Program|Degree|Course of study|Award)(?: title)?:\**\s+(\S.*)$", re.MULTILINE | re.IGNORECASE
)
_CODE_FIELD = re.compile(r"^\**[A-Z][\w ]{0,30}:\**\s+([A-Z]+-[\w-]*\d[\w-]*)\s*$", re.MULTILINE)
# Two to six capitalised words (with "of", "and", "the", "for" between), nothing else.
_LETTERHEAD = re.compile(r"[A-Z][\w'&.-]*(?: (?:(?:of|and|the|for|de|da) )?[A-Z][\w'&.-]*){1,5}")
_LOWER_NAME = re.compile(r"[a-z][a-z0-9]{3,}(?:[-_.][a-z0-9]+)*")
_VERSION = re.compile(r"v?(\d+(?:\.\d+)+)")
_DEFINED = re.compile(rf"({_LOWER_NAME.pattern})(?::| [—–-]) (?:a|an|the) ")
_LOWER_WORD = re.compile(r"[a-zà-ÿ]+(?:-[a-zà-ÿ]+)*")
_PUNCTUATION = "\"'()[]{}<>,;:.!?*_`“”‘’"
_THIRD = re.compile(r"\b(?:she|he|her|his|him|hers|herself|himself)\b", re.IGNORECASE)


def _first_person(columns: dict[str, list[Any]]) -> set[int]:
    """Rows of documents written in the first person by their subject ("I led the team"), not
    about them ("I have been her manager"): quoted as the owner's own words, never as folio's."""
    texts: dict[str, list[str]] = {}
    rows: dict[str, list[int]] = {}
    for row, (source, text) in enumerate(zip(columns["source"], columns["text"], strict=True)):
        texts.setdefault(source, []).append(text)
        rows.setdefault(source, []).append(row)
    voiced = set()
    for source, parts in texts.items():
        body = " ".join(parts)
        if len(FIRST_PERSON.findall(body)) > max(2, 2 * len(_THIRD.findall(body))):
            voiced.update(rows[source])
    return voiced


class CorpusCache:
    """The Corpus of the current index version, rebuilt when the version changes."""

    def __init__(self) -> None:
        self._current: tuple[str, Corpus] | None = None
        self._lock = threading.Lock()

    def get(self, snapshot: Snapshot) -> Corpus:
        current = self._current
        if current is not None and current[0] == snapshot.corpus_version:
            return current[1]
        with self._lock:
            if self._current is None or self._current[0] != snapshot.corpus_version:
                self._current = (snapshot.corpus_version, Corpus(snapshot))
            return self._current[1]
