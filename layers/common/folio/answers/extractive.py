"""The answer without an LLM: the lines of the documents that hold what is asked, or nothing.

Lists are read from the documents' structure (the items under the heading that names them, or
the documents of that type); summaries from a document's opening or a section's sub-headings;
everything else from the best evidence units (folio.answers.evidence).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from folio.answers.contact import asks_contact, contact_lines
from folio.answers.evidence import (
    DURATION,
    PLACE_KEYS,
    STUDY,
    UNFINISHED,
    USE,
    YEARS_OF,
    Judge,
    Scored,
    candidates,
    completes,
    fields,
    informative_heading,
    mentions,
    settles,
    under_negation,
)
from folio.answers.question import WHAT_IS, Kind, two_questions, willing
from folio.answers.text import (
    BROADER,
    CURRENT,
    DATE,
    JOB,
    NUMBER,
    ORDER,
    WHICH_NOUN,
    YEAR,
    covers,
    heading_stems,
    idioms,
    lasting,
    named_kinds,
    points,
    says_a_number,
    siblings,
    span,
    span_months,
    stem,
    stems,
    with_kinds,
    words,
)
from folio.answers.units import sentences
from folio.answers.validity import EXPIRED, VALID, last_day, status
from folio.answers.writing import named_first

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    import numpy as np

    from folio.answers.corpus import Corpus, Located
    from folio.answers.evidence import Candidate
    from folio.answers.question import Question
    from folio.answers.units import Unit
    from folio.index import Snapshot


@dataclass(frozen=True)
class Line:
    text: str
    row: int


@dataclass(frozen=True)
class Draft:
    kind: str  # answer | refusal
    lines: tuple[Line, ...] = ()
    lead: str = ""  # "Yes" / "No" for a settled yes-no question
    listing: bool = False
    unmentioned: str = ""  # what a yes-no question asks that the documents never mention ("PhD")
    more: int = 0  # the items a list leaves out, past the first _MAX_ITEMS


REFUSAL = Draft("refusal")
_NICKNAME = stem("nickname")
_SPEAK = stem("speak")
_DATE_LINE = 60  # a line of dates and place, "Apr 2018 – Feb 2021 · Porto"
_MAX_ITEMS = 8
_PROMOTED = 2  # jobs at one employer


def _listed(items: Sequence[Line]) -> Draft:
    """A list as an answer: its first items, and how many more the documents hold."""
    return Draft("answer", tuple(items[:_MAX_ITEMS]), listing=True, more=max(len(items) - _MAX_ITEMS, 0))


_ANY = re.compile(r"\bany\b", re.IGNORECASE)
# Where a sentence's clauses part: "..., and my half marathon PB is ...", "...; ...".
_CLAUSES = re.compile(r",\s+(?:and|but|while|whereas)\s+|;\s+")
_SPAN_KEYS = frozenset(stem(w) for w in ("start", "end", "from", "to", "until", "since", "began", "left"))
_EXPIRY_LINE = re.compile(r"(?:expires?|expired|valid until|valid to)\b", re.IGNORECASE)
_LISTED_COMMAS = 2  # "A, B, C": a list in a line
_FIELD_WORDS = frozenset(stem(w) for w in ("technology", "field", "area", "domain", "industry", "sector", "space"))
_SUMMARISED_JOBS = 3  # a summary of a few jobs says what each did; of more, only what they were
# A line that bounds what it allows: "within the EU only", "anywhere except the US".
_BOUNDED = re.compile(r"\b(?:only|except|excluding|rules? out|limited to)\b", re.IGNORECASE)
_BARE = re.compile(r":\s*(?:yes|no|true|false)\.?$", re.IGNORECASE)  # "Open to relocating: yes"
_BRIEF_WORDS = 12
# Headings that only name the section they head: its entries need no label.
_LABEL_ONLY = re.compile(
    r"^(?:timeline|work history|(?:work |professional |academic )?"
    r"(?:experience|career|employment|positions|jobs|roles|appointments)"
    r"(?: history| summary| at a glance| in brief| overview)?)$",
    re.IGNORECASE,
)
# The document types that describe their owner, most direct first.
_ABOUT = ("about", "bio", "profile", "resume", "cv")
_POOL_UNITS = 12
_DISTINCT_CHARS = 20  # a line this long, found in an earlier answer, was given from its document
_NAMED_UNITS = 40  # the lines naming what a yes-no question asks about, at most


class Extractor:
    def __init__(
        self,
        corpus: Corpus,
        snapshot: Snapshot,
        vector: np.ndarray,
        rows: list[int],
        pool: Sequence[int] = (),
        *,
        today: date,
        said: Sequence[str] = (),
    ) -> None:
        """`today`: the day a credential's validity is judged on; `said`: the lines of the answer a
        follow-up leans on; the documents they come from are about the conversation's topic ("Which
        RTOS did it run on?" after the occlusion project at Kerlys: its write-up, which names Kerlys
        only in its front matter)."""
        self.corpus = corpus
        self.today = today
        self.snapshot = snapshot
        self.vector = vector
        self.rows = rows
        # The retrieved passages first, then the chunks holding the units closest in meaning: a
        # one-line fact can sit in a chunk that ranks sixth as a whole.
        looked = list(dict.fromkeys((*rows, *pool, *corpus.closest_rows(vector, _POOL_UNITS))))
        located = [(located.unit, located.row) for row in looked for located in self._units_of(row)]
        self.found = candidates(located, snapshot, vector)
        self.focus: set[str] = set()
        self.weights: dict[str, float] = {}  # the asked words, by rarity: which clause of a line says it
        told = [" ".join(line.lower().split()) for line in said]
        self.around = frozenset(
            (corpus.sources[loc.row], _record_path(loc.unit), stems(loc.unit.text))
            for loc in (corpus.outline if told else ())
            # (As the answer told it: a record by its name, "From Hitboxes to ... (Event: ADC 2025; ...)".)
            if len(text := " ".join(named_first(loc.unit.text).lower().split())) >= _DISTINCT_CHARS
            and any(text in t for t in told)
        )

    def answer(self, q: Question, *, topic: tuple[str, ...] = (), shown: frozenset[str] = frozenset()) -> Draft:
        """`topic`: names the conversation is about (a follow-up's "it"); `shown`: lines already given."""
        if q.kind is Kind.FACT and not topic and asks_contact(q):
            # "How can I contact him?": the channels, not contact.yaml's name and pronouns. (Asked
            # before any spelling is mended: "contact" is no misspelt "contract".)
            reach = [Line(loc.unit.text, loc.row) for loc in contact_lines(q, self.corpus.outline)]
            return _listed(reach) if len(reach) >= 2 else Draft("answer", tuple(reach)) if reach else REFUSAL
        if _NICKNAME in q.terms and (called := self._called(q)):
            return Draft("answer", called)  # "What's Ines's nickname?": what the documents call her
        q = _spelled(q, self.corpus)
        judge = Judge(
            q, self.corpus, entities=tuple(dict.fromkeys((*q.entities, *topic))), topic=topic, around=self.around
        )
        self.focus = self._focus(q, judge)
        # (A date or a number asked is typed by the line's own value, clause or not: "for kids aged
        # 9-14 at the library; usually about 12 kids come".)
        whole = q.kind in (Kind.LIST, Kind.SUMMARY, Kind.DATE, Kind.NUMBER) or q.sides or q.change
        self.weights = {} if whole else judge.weights
        absent = judge.absent()
        if absent and q.kind is not Kind.YESNO:
            return REFUSAL
        if q.kind is Kind.YESNO and (valid := self._validity(q, judge)) is not None:
            return valid
        structured = self._structured(q, judge, shown)
        if structured is not None:
            return structured
        if q.sides:
            return self._comparison(q, shown)
        ranked = [s for s in judge.rank(self._pool(judge)) if not _shown(s.candidate.unit.text, shown)]
        passing = [s for s in ranked if s.passes]
        if q.kind is Kind.YESNO:
            asked = tuple(t for t in q.terms if t in judge.weights or t in judge.entities)
            return self._yes_no(q, passing, ranked, absent, asked)
        # "How many podcasts has he been on?": the entries of a section of podcasts, with the line
        # that gives their number, or counted when no line does.
        counted = self._counted(q, judge, shown)
        passing = passing or self._jobs_now(q, judge)
        if not passing:
            return Draft("answer", tuple(counted), lead=str(len(counted)), listing=True) if counted else REFUSAL
        passing = self._narrowed(q, judge, passing)
        typed = q.kind in (Kind.DATE, Kind.NUMBER, Kind.PERSON, Kind.PLACE)
        limit = 2 if typed else 3
        if q.kind is Kind.DATE or judge.asks_job():
            passing, ordered = _in_time_order(q, passing, self.corpus.positions, self.today)
            limit = 1 if ordered else limit  # "her first job": the one that came first
        draft = self._drafted(
            q, passing, counted, limit=limit, margin=0.06 if q.kind in (Kind.DATE, Kind.NUMBER) else 0.1
        )
        return (self._tenure(judge) or self._lasted(draft)) if q.duration else draft

    def _focus(self, q: Question, judge: Judge) -> set[str]:
        """A date, number or place asked of a record: its name and the asked fields, not every field."""
        if q.kind is Kind.PLACE:
            return set(PLACE_KEYS & self.corpus.all_keys)  # "Where was that held?": the talk's "City:"
        # ("By how much did it cut the error?" needs the before as well as the after: the whole row.)
        if q.kind in (Kind.DATE, Kind.NUMBER) and not q.change:
            return {*judge.attribute, *judge.entities} & self.corpus.all_keys
        return set()

    def _jobs_now(self, q: Question, judge: Judge) -> list[Scored]:
        """ "Where does he work now?" with no line passing: the current entry of the work history,
        wherever it is."""
        return self._jobs(q, judge, []) if q.present and judge.asks_job() else []

    def _called(self, q: Question) -> tuple[Line, ...]:
        """The lines that give the owner's other name: 'almost everyone calls her "Nesh"'."""
        aliases = [re.escape(a) for name in (*q.owner, "") for a in self.corpus.aliases.get(name, ())]
        if not aliases:
            return ()
        names = "|".join(aliases)
        saying = re.compile(rf"[\"“]\s*(?:{names})\s*[\"”]|\b(?:goes by|known as|calls? \w+)\s+(?:{names})\b", re.I)
        found = [Line(loc.unit.text, loc.row) for loc in self.corpus.outline if saying.search(loc.unit.text)]
        return tuple(dict.fromkeys(found))[:2]

    def _tenure(self, judge: Judge) -> Draft | None:
        """ "How long has he been at Murmurline?": from the first job there to the last, when the
        history holds two or more (a promotion), with their lines."""
        # (The employer as asked, capitalised or not: "at murmurline"; not "how long did he teach".)
        names = judge.entities or tuple(t for t in judge.attribute if t not in self.corpus.lowercase)
        if not names:
            return None
        held = [
            loc
            for loc in self.corpus.outline
            if loc.unit.text in self.corpus.positions and all(mentions(stems(self._line_of(loc)), e) for e in names)
        ]
        spans = [found for loc in held if (found := span(self.corpus.told(loc.unit.text)))]
        if len(held) < _PROMOTED or len(spans) != len(held):
            return None
        lines = tuple(Line(self._line_of(loc), loc.row) for loc in held[:_MAX_ITEMS])
        months = max(end for _, end in spans) - min(start for start, _ in spans)
        return Draft("answer", lines, lead=lasting(months), listing=True)

    def _line_of(self, loc: Located) -> str:
        return _with_heading(loc.unit) if loc.unit.kind == "heading" else loc.unit.text

    def _lasted(self, draft: Draft) -> Draft:
        """ "How long was she at Verskast?" of one record's dates ("Start date: 2020-06", "End date:
        2022-08"): how long that is, before the lines that show it."""
        lines = draft.lines
        if draft.lead or not lines or len({line.row for line in lines}) > 1:
            return draft
        if any(DURATION.search(line.text) for line in lines):
            return draft  # the documents say how long ("two years at Verskast")
        # A record's start and end, not the year of a promotion in its summary.
        dated = [" ".join(v for k, v in fields(line.text) if stems(k) & _SPAN_KEYS) or line.text for line in lines]
        found = points(" ".join(dated))
        return replace(draft, lead=lasting(found[1] - found[0])) if len(found) == 2 and found[1] > found[0] else draft

    def _pool(self, judge: Judge) -> list[Candidate]:
        q = judge.question
        if judge.tenure:
            # A career's length is stated once, wherever the summary is: every such line is heard.
            told = [(loc.unit, loc.row) for loc in self.corpus.outline if YEARS_OF.search(loc.unit.text)]
        elif q.kind is Kind.PLACE and _BASED in q.terms and not judge.entities:
            # So is where she is based ("Location: Hamburg, Germany"), near the top of a page or in
            # a section of its own ("location:" > "city: Lyon").
            told = [(loc.unit, loc.row) for loc in self.corpus.outline if _location_field(loc.unit)]
        elif q.kind is Kind.FACT and self._asks_a_field(judge):
            # "What was his PhD thesis about?": the "Thesis:" fields (of the records that name the
            # PhD), wherever retrieval left them.
            asked = set(judge.attribute)
            told = [
                (loc.unit, loc.row)
                for loc in self.corpus.outline
                if loc.unit.kind == "pair"
                and asked & stems(loc.unit.key)
                and {*asked, *judge.entities} <= stems(" ".join((*loc.unit.path, loc.unit.text)))
            ][:_NAMED_UNITS]
        elif q.kind is Kind.FACT and len(judge.attribute) >= 2 and (headed := self._headed_by(set(judge.attribute))):
            # "What was the root cause of INC-2025-0917?": the section "Root cause", wherever
            # retrieval left its opening lines.
            told = [(loc.unit, loc.row) for loc in headed]
        elif set(q.terms) & _NEXT and judge.attribute:
            # "When is her next talk?": the entries still to come, wherever retrieval left them.
            told = [
                (loc.unit, loc.row)
                for loc in self.corpus.outline
                if (last_day(loc.unit.text) or self.today) > self.today
                and set(judge.attribute) <= heading_stems(" ".join((*loc.unit.path, loc.unit.text)))
            ][:_NAMED_UNITS]
        elif (q.kind is Kind.YESNO or q.level) and judge.entities:
            # "Does he have a PhD?": the lines naming it, wherever retrieval left them ("PhD in
            # Epidemiology, University of Copenhagen, ..." in a chunk of other degrees).
            told = [(loc.unit, loc.row) for loc in self.corpus.naming(set(judge.entities))[:_NAMED_UNITS]]
        else:
            return self.found
        found = {(c.unit, c.row) for c in self.found}
        return [*self.found, *candidates([t for t in told if t not in found], self.snapshot, self.vector)]

    def _headed_by(self, asked: set[str]) -> list[Located]:
        """The first lines of the sections headed by just the asked words."""
        paths = [path for path in self.corpus.paths if path and heading_stems(path[-1]) == asked]
        return [loc for path in paths for loc in self._record(path) if loc.unit.kind != "heading"][:_NAMED_UNITS]

    def _asks_a_field(self, judge: Judge) -> bool:
        """Whether every word the question asks with is known and one is a field of the records
        ("thesis" of "Thesis: ..."): not "What grade did he get for his thesis?" where no line
        speaks of grades."""
        q = judge.question
        known = all(self.corpus.known(t) or t in q.entities or t in judge.type_words for t in q.terms)
        return known and bool(set(judge.attribute) & self.corpus.all_keys)

    def _narrowed(self, q: Question, judge: Judge, passing: list[Scored]) -> list[Scored]:
        """The passing lines that hold what this kind of question wants."""
        located = [s for s in passing if _location_field(s.candidate.unit)]
        if q.kind is Kind.PLACE and _BASED in q.terms and not judge.entities and located:
            # "Where is Odalys based?": her "Location" (its section's fields), not her "Github:
            # .../odalysfa", nor the "Location:" of the university she went to.
            return [s for s in located if s.candidate.unit.path == located[0].candidate.unit.path]
        stated = [s for s in passing if DURATION.search(s.candidate.unit.text)] if q.duration else []
        # (Of a thing named, a line naming it and what is asked itself, "a deploy at Tidewater" not
        # "my notice period at Tidewater"; else only when the best line says a length.)
        lengthened = set(judge.attribute) - JOB
        named = [
            s
            for s in stated
            if judge.entities
            and all(e in s.candidate.own for e in judge.entities)
            and all(t in s.candidate.held for t in lengthened)
        ]
        if named or (stated and stated[0] is passing[0]):
            # "How long did they teach?", "... in the NHS?": "about seven years", "Eight-plus years
            # in the NHS"; the dated lines of its jobs say less.
            return named or stated
        if judge.asks_job():
            passing = self._jobs(q, judge, passing)
        asked = set(judge.attribute)
        fielded = [s for s in passing if s.candidate.unit.kind == "pair" and stems(s.candidate.unit.key) == asked]
        if q.kind is Kind.FACT and asked and fielded:
            # "What was her MSc thesis about?": the record's "Thesis:", not a course row "Master thesis".
            return fielded
        if q.kind is Kind.FACT and judge.entities and _ABOUT_WHAT.search(q.text):
            passing = self._openings(passing, judge)
        kind = WHICH_NOUN.match(q.text)
        if q.kind is Kind.FACT and judge.entities and kind and (noun := stem(kind.group(1))) in q.terms:
            # "What talk did she give at FOSDEM?": the entry of her talks that names FOSDEM, not a
            # line that says she talked there.
            entries = [s for s in passing if any(noun in heading_stems(h) for h in s.candidate.unit.path)]
            passing = self._titled(entries) if entries else passing
        if _NOW.search(q.text) or (q.present and q.kind is Kind.NUMBER):
            # "How many engineers does he currently lead?": not the team of a job that ended
            # ("Title: Tech Lead; Start: 2011-11; End: 2014-06; Team size: ... 14 engineers").
            passing = [s for s in passing if not self._ended(s.candidate.unit)] or passing
        return passing

    def _drafted(self, q: Question, passing: list[Scored], counted: list[Line], *, limit: int, margin: float) -> Draft:
        best = self._best_lines(passing, limit=limit, margin=margin)
        if q.kind is Kind.PLACE and (place := self._place(passing[0].candidate)) is not None:
            best = (place,)  # "City: Winnipeg; Province: Manitoba; Country: Canada", not "Country: Canada"
        # Named after the line that gives their number, when the names are short (not citations).
        if counted and all(len(line.text.split()) <= 2 * _BRIEF_WORDS for line in counted):
            if best[0] not in counted and not says_a_number(best[0].text):
                # (A line with no number gives none: "Credential ID: GCP-PDE-21-0483376".)
                return Draft("answer", tuple(counted), lead=str(len(counted)), listing=True)
            return Draft("answer", (*best[:1], *(line for line in counted if line not in best[:1])), listing=True)
        return Draft("answer", best)

    def _ended(self, unit: Unit) -> bool:
        """Whether a line is a job of the past: a record's "End: 2014-06", a work-history entry
        dated "2011 – 2014" (not a project's, whose results may still hold)."""
        if unit.kind in ("pair", "row"):
            return any(stems(key) in _END_KEYS and YEAR.search(value) for key, value in fields(unit.text))
        if unit.text in self.corpus.positions:
            told = self.corpus.told(unit.text)
            return bool(_RANGE.search(told)) and not CURRENT.search(told)
        # (Or a line of a job's section whose heading or first line dates it: "### Bytewave Payments
        # — Site Reliability Engineer" / "*Apr 2018 – Feb 2021 · Porto*".)
        above = (unit.path[-1], self.corpus.openings.get(unit.path, "")) if unit.path else ()
        dated = [t for t in above if _RANGE.search(t) and (t in self.corpus.positions or len(t) <= _DATE_LINE)]
        return bool(dated) and not any(CURRENT.search(text) for text in dated)

    def _openings(self, passing: list[Scored], judge: Judge) -> list[Scored]:
        """ "What was her FOSDEM talk about?": the entry's opening line that names FOSDEM ("FOSDEM
        2024, Brussels ... 'Testing firmware without the hardware'"), not a later one ("Recording
        is on the FOSDEM video archive")."""
        if not passing:
            return passing
        best = passing[0].candidate
        if best.unit.kind == "pair" and set(judge.attribute) & stems(best.unit.key):
            return passing  # the record's asked field itself ("Thesis: ..."), not its first field
        block = self._block_of(best.row, best.unit)
        first = next((u for u in block if all(e in stems(u.text) for e in judge.entities)), best.unit)
        return self._led_by(first, passing)

    def _titled(self, entries: list[Scored]) -> list[Scored]:
        """An entry's line with its title first: '2022 "Fourteen Minutes: Taming CI Build Times"'
        before the "GDC 2022, Tools Summit, San Francisco" that follows it in the paragraph."""
        best = entries[0].candidate
        first = next(iter(self._block_of(best.row, best.unit)), best.unit)
        titled = first.kind == "sentence" and bool(_QUOTED_TITLE.search(first.text))
        return self._led_by(first, entries) if titled else entries

    def _led_by(self, first: Unit, passing: list[Scored]) -> list[Scored]:
        """The passing lines with another line of the best one's paragraph before them, as good."""
        best = passing[0].candidate
        if first == best.unit:
            return passing
        opening = candidates([(first, best.row)], self.snapshot, self.vector)
        return [Scored(opening[0], passing[0].score, True), *passing] if opening else passing

    def _jobs(self, q: Question, judge: Judge, passing: list[Scored]) -> list[Scored]:
        """ "Where does she work?", "her first job": the entries of her work history answer it, the
        current one when asked in the present tense."""
        jobs = [s for s in passing if s.candidate.unit.text in self.corpus.positions]
        if q.present and not any(CURRENT.search(self.corpus.told(s.candidate.unit.text)) for s in jobs):
            # The current entry of the work history, wherever it is: retrieval may have missed it.
            history = [(loc.unit, loc.row) for loc in self.corpus.outline if loc.unit.text in self.corpus.positions]
            jobs += [s for s in judge.rank(candidates(history, self.snapshot, self.vector)) if s.passes]
        current = [s for s in jobs if CURRENT.search(self.corpus.told(s.candidate.unit.text))]
        # Asked in the present tense with no entry marked current: a line that says what is now
        # ("Right now: Staff Engineer at Nimbus"), if one does.
        now = [s for s in passing if "current" in s.candidate.own] if "current" in q.terms else []
        if q.present:
            # The current entry and the lines that say what is now, the best first.
            return sorted({id(s): s for s in (*current, *now)}.values(), key=lambda s: -s.score) or passing
        return jobs or passing

    def answer_all(
        self,
        q: Question,
        analyse: Callable[[str], Question],
        *,
        topic: tuple[str, ...] = (),
        shown: frozenset[str] = frozenset(),
    ) -> Draft:
        """The answer, completed for a second question asked in the same breath: "What grade did
        her thesis get, and how many credits was it worth?": each part's best line, asked on its own
        ("it" being what the first part was about), when the whole answer lacks it."""
        draft = self.answer(q, topic=topic, shown=shown)
        if (
            q.kind is Kind.LIST
            and _ASKS_ANY.match(q.text)
            and draft.kind == "answer"
            and draft.lines
            and not draft.lead
        ):
            # "Any AWS certs?": yes, when the first line listed is one ("AWS Certified Developer ..."),
            # with those that are (not the Google Cloud one beside it).
            holds = [set(q.terms) <= with_kinds(stems(line.text)) for line in draft.lines]
            kind = {q.list_noun} if q.list_noun else set()
            named = [line for line, held in zip(draft.lines, holds, strict=True) if held or not set(q.terms) - kind]
            draft = replace(draft, lead="Yes", lines=tuple(named)) if holds[0] else draft
        parts = two_questions(q.text)
        if parts is None:
            return draft
        first, second = analyse(parts[0]), analyse(parts[1])
        same = first.kind is second.kind and (first.kind is not Kind.FACT or set(second.terms) <= set(first.terms))
        if same or (JOB & set(first.terms) and JOB & set(second.terms)):
            return draft  # one question asked twice over: "when did she start and when did she leave"
        # "..., and with what grade?" asks it of what the first part named.
        about = (first.entities or first.terms[-2:]) if parts[2] else () if second.entities else first.entities
        for part, around in ((first, topic), (second, (*topic, *about))):
            if draft.kind == "refusal" or not self._covers(draft, part):
                draft = both(draft, self.answer(part, topic=around, shown=shown))
        return draft

    def pick(self, q: Question, among: tuple[str, ...]) -> Draft | None:
        """A follow-up on one of the things just listed: "Which one was about haptics?" is the entry
        whose lines hold "haptics"; "What did he build for the Amsterdam one?" is answered from the
        entry that names Amsterdam. None when no one entry stands out."""
        listed = [(text, entry) for text in among if (entry := self._entry(text))]
        entries = [entry for _, entry in listed]
        asked = set(q.terms)
        if _THOSE.search(q.text) and (wanted := asked & _STATUS):
            # "Which of those have expired?": each by its record's dates, wherever it is kept.
            lines = [Line(text, entry[0].row) for text, entry in listed if wanted <= self._status_of(text)]
            return Draft("answer", tuple(lines), listing=True) if lines else REFUSAL
        held = [len(asked & frozenset().union(*(stems(loc.unit.text) for loc in entry))) for entry in entries]
        best = max(held, default=0)
        if best and _THOSE.search(q.text):
            # "Which of those have expired?": every one of them that holds what is asked.
            lines = [Line(text, entry[0].row) for (text, entry), n in zip(listed, held, strict=True) if n == best]
            return Draft("answer", tuple(lines), listing=True)
        if best and held.count(best) == 1:
            entry = entries[held.index(best)]
        elif entries and _THAT_ONE.search(q.text):
            entry = entries[0]  # "When does that one expire?": the one named first
        else:
            return None
        head, body = entry[0], entry[1:]
        # Grounded or silent here too: what else is asked ("the budget for the Amsterdam one")
        # must be in the entry, unless it is a verb of doing ("what did he build for it").
        said = frozenset().union(*(stems(loc.unit.text) | stems(" ".join(loc.unit.path)) for loc in entry))
        if any(t not in said and t not in _DOING for t in asked):
            return REFUSAL
        if _WHICH_ONE.match(q.text):
            # The entry, and its line that holds what was asked, when that is not the entry's own.
            hits = [loc for loc in body if asked & stems(loc.unit.text) - stems(head.unit.text)]
            picked = [head, *hits[:1]]
        else:
            picked = body[:2] or [head]  # what the entry says first: "Rewrote their rider app ..."
        lines = [Line(loc.unit.text if loc is head else _with_heading(loc.unit), loc.row) for loc in picked]
        return Draft("answer", tuple(dict.fromkeys(lines)))

    def _status_of(self, text: str) -> frozenset[str]:
        """A listed thing's validity today ("HashiCorp Terraform Associate (2023)"), from every
        line that names it (its record in another document: "...; Expires: 2025-06-20")."""
        name = stems(re.sub(r"\s*\([^)]*\)", "", text))
        records = [loc.unit.text for loc in self.corpus.outline if name and name <= stems(loc.unit.text)]
        return _status_stems(status(records, self.today))

    def _entry(self, text: str) -> list[Located]:
        """The units of the entry a listed line stands for: its section when it is a heading, else
        its paragraph or item."""
        found = [loc for loc in self.corpus.outline if loc.unit.text in text or named_first(loc.unit.text) in text]
        if not found:
            return []
        top = max(found, key=lambda loc: len(loc.unit.text))
        if top.unit.kind in ("item", "pair", "row"):
            return [top]  # one of a list's entries
        if top.unit.kind == "heading":
            path = (*top.unit.path, top.unit.text)
            return [top, *(loc for loc in self.corpus.outline if loc.unit.path[: len(path)] == path)]
        return [top, *(loc for loc in self._paragraph_of(top.row, top.unit) if loc != top)]

    def _covers(self, draft: Draft, q: Question) -> bool:
        """Whether a draft already answers a question: a line with its words, of its type."""
        judge = Judge(q, self.corpus)
        asked = set(judge.attribute)
        typed = q.kind not in (Kind.DATE, Kind.NUMBER)
        return any(
            asked <= with_kinds(stems(line.text)) and (typed or judge.value_typed(line.text)) for line in draft.lines
        )

    # --- the kinds of answer ----------------------------------------------------------------

    def _structured(self, q: Question, judge: Judge, shown: frozenset[str]) -> Draft | None:
        """Answers read from the documents' structure rather than from single lines."""
        beside = _BESIDE.search(q.text)
        if beside and judge.asks_job() and judge.entities and (next_to := self._job_beside(beside.group(1), judge)):
            return next_to
        owners = self._owners(q, judge, shown)
        if owners is not None:
            return owners
        section = q.kind is Kind.FACT and not judge.entities and self._names_a_section(judge)
        if q.kind is Kind.LIST or (q.kind is Kind.SUMMARY and not q.entities) or section:
            listed = self._listing(q, judge, shown)
            if listed is not None and q.excluded:
                # "Which languages besides English?"
                kept = tuple(line for line in listed.lines if not set(q.excluded) & stems(line.text))
                listed = replace(listed, lines=kept) if kept else REFUSAL
            if listed is not None:
                return listed
        if q.kind is Kind.YESNO and _ANY.search(q.text) and not judge.entities:
            return self._any_of(judge, shown)
        return self._described(q, judge, shown)

    def _owners(self, q: Question, judge: Judge, shown: frozenset[str]) -> Draft | None:
        """What is asked of the owner as a whole: her skills, her work history, what she does now."""
        asked = set(judge.attribute)
        owners = not judge.entities and not _THING.search(q.text)  # not "what was it built with?"
        of_skills = owners and asked & _SKILLS and asked - _SKILLS <= _DOING | _SKILL_WORDS
        if of_skills and not _TEMPORAL.search(q.text):  # not "What did they do before tech?"
            # "What are her skills?", "What technologies does he work with?" (the technical ones).
            skills = self._skills(shown, _NOT_SKILLS | (_NOT_TECH if _TECH & asked else frozenset()))
            if skills is not None:
                return skills
        # "What clients has he worked with?" lists clients; "jobs she is not interested in" are none of hers.
        # Nor are the roles she "is open to": what she would do, not what she did.
        jobs = (not q.list_noun or q.list_noun in JOB) and not q.negated and not q.willing
        # "Where has she worked?" asks where she has, not where she does or did first.
        everywhere = q.kind is Kind.PLACE and not q.present and not set(q.terms) & ORDER
        if (q.kind in (Kind.LIST, Kind.SUMMARY) or everywhere) and judge.asks_job() and jobs and not judge.entities:
            # "Summarise her career", "Where has she worked?", "her teaching career".
            years = {t for t in q.terms if YEAR.fullmatch(t)}  # asked, even when no line writes it
            history = self._work_history(
                (set(judge.attribute) | years) - JOB - ORDER, shown, summary=q.kind is Kind.SUMMARY
            )
            if history is not None:
                return history
        if q.kind is Kind.PLACE and set(q.terms) == {STUDY} and not judge.entities:
            # "Where (and when) did he study?": the schools of her education, each with its years.
            studied = self._listing(replace(q, kind=Kind.LIST, list_noun=STUDY), judge, shown)
            if studied is not None:
                return studied
        # "What's she up to these days?", "What does she do now?"
        lately = (_UP_TO.search(q.text) or q.kind is Kind.SUMMARY) and "current" in q.terms and len(q.terms) <= 2
        lately = lately and not judge.entities
        if lately:
            # What she is up to: the now page, or else her current job; what she does: her job first.
            job = self._job_where(CURRENT.search)
            now = (self._now_page(shown) or job) if _UP_TO.search(q.text) else (job or self._now_page(shown))
            return now
        return None

    def _described(self, q: Question, judge: Judge, shown: frozenset[str]) -> Draft | None:
        """What a thing is, or is used for, from the section or document that it names."""
        if q.kind is Kind.FACT and USE & set(q.terms) and (used := self._used_for(q, shown)) is not None:
            return used
        if q.kind is Kind.SUMMARY and not q.terms and not judge.entities:
            return self._about_owner(shown)
        if judge.entities and (q.kind is Kind.SUMMARY or (q.kind is Kind.FACT and set(q.terms) <= set(q.entities))):
            return self._opening(judge, shown)
        if q.kind is Kind.FACT and WHAT_IS.match(q.text) and len(q.terms) <= 2:
            return self._section_opening(set(q.terms), shown)  # "What's flakewatch?"
        return None

    def _work_history(self, qualifiers: set[str], shown: frozenset[str], *, summary: bool = False) -> Draft | None:
        """The entries of the work history, each with the heading naming its employer; only those
        the qualifiers name ("teaching" -> "Teacher of Science"), if any do. A summary of those
        says what each job did, where its entry goes on to ("... (July 2022 – March 2023). Led the
        text normalisation group's move ...")."""
        entries = [
            loc
            for loc in self.corpus.outline
            if loc.unit.text in self.corpus.positions and not _shown(loc.unit.text, shown)
        ]
        # Each job once: where a history is told twice (a CV and the about page's table), the
        # document that tells it fullest; in it, a section whose jobs another one names already
        # (a CV's table of them, then a section on two of them) is left out.
        by_source: dict[str, dict[tuple[str, ...], dict[str, Line]]] = {}
        units: dict[Line, Located] = {}
        for loc in entries:
            sections = by_source.setdefault(self.snapshot.columns["source"][loc.row], {})
            told = self.corpus.records.get(loc.unit.text) or _with_heading(loc.unit, brief=True)
            line = sections.setdefault(loc.unit.path, {}).setdefault(loc.unit.text, Line(told, loc.row))
            units.setdefault(line, loc)
        tellings = max(by_source.values(), key=lambda sections: sum(map(len, sections.values()))) if by_source else {}
        fullest = max(tellings.values(), key=len) if tellings else {}
        told = " ".join(fullest).lower()
        jobs = [
            line
            for section in tellings.values()
            for text, line in section.items()
            if section is fullest or _core(text) not in told
        ]
        if qualifiers:
            # "Where did she work in 2020?": the job whose dates take 2020 in.
            years = {int(t) for t in qualifiers if YEAR.fullmatch(t)}
            named = {t for t in qualifiers if not YEAR.fullmatch(t)}
            # "his work in speech technology": in speech, whatever the field is called.
            named = named - _FIELD_WORDS or named
            jobs = [
                job
                for job in jobs
                if all(any(w.startswith(t) for w in stems(job.text)) for t in named)
                and all(covers(job.text, year) for year in years)
            ]
            if summary and len(jobs) <= _SUMMARISED_JOBS:
                jobs = [self._with_deed(job, units[job]) for job in jobs]
        listed = len(jobs) >= 2 or (bool(qualifiers) and bool(jobs))  # narrowed, one is a list
        return _listed(jobs) if listed else None

    def _with_deed(self, job: Line, loc: Located) -> Line:
        """A job's line with the sentence of its entry that follows it, when one does."""
        block = self._block_of(loc.row, loc.unit)
        after = [unit for unit in block[block.index(loc.unit) + 1 :] if unit.kind == "sentence"]
        return Line(f"{job.text} {after[0].text}", job.row) if after and loc.unit.kind == "sentence" else job

    def _job_beside(self, side: str, judge: Judge) -> Draft | None:
        """ "Where did she work before Tidewell?": the job of her work history that began last
        before the named one (after it: the first to begin after it)."""
        history = self._work_history(set(), frozenset())
        jobs = [(line, found) for line in history.lines if (found := span(line.text))] if history else []
        named = [(line, found) for line, found in jobs if all(e in stems(line.text) for e in judge.entities)]
        if not named:
            return None
        start = min(found[0] for _, found in named)
        others = [job for job in jobs if job not in named]
        if side.lower() == "before":
            pick = max((job for job in others if job[1][0] < start), key=lambda job: job[1][0], default=None)
        else:
            pick = min((job for job in others if job[1][0] > start), key=lambda job: job[1][0], default=None)
        return Draft("answer", (pick[0],)) if pick else None

    def _counted(self, q: Question, judge: Judge, shown: frozenset[str]) -> list[Line]:
        """The entries of the section named for what a "how many" question counts, 2 to 8 of them."""
        if q.kind is not Kind.NUMBER or not q.count or not q.quantity or judge.entities:
            return []
        qualifiers = _qualifiers(q, judge, q.quantity)
        found = self._containers({q.quantity}, qualifiers, judge)
        if not found:
            return []
        entries = self._items(max(found, key=lambda p: found[p]), qualifiers, shown)
        # One record's fields ("Person": Name, Pronouns, Born in) are no list of people.
        keys = [record[0][0] if (record := fields(line.text)) else "" for line in entries]
        if all(keys) and len(set(keys)) == len(keys):
            return []
        return entries if 2 <= len(entries) <= _MAX_ITEMS else []

    def _any_of(self, judge: Judge, shown: frozenset[str]) -> Draft | None:
        """ "Is she involved in any volunteering?": a section of them says yes, with its entries."""
        named = self._section_for(set(judge.attribute), exact=True)
        entries = self._items(named, set(), shown) if named else []
        return Draft("answer", tuple(entries[:3]), lead="Yes", listing=True) if entries else None

    def _used_for(self, q: Question, shown: frozenset[str]) -> Draft | None:
        """ "What do they use for API testing?": what the section of that name lists."""
        used = self._section_for(set(q.terms) - USE)
        items = self._items(used, set(), shown) if used else []
        return _listed(items) if len(items) >= 2 else None

    def _names_a_section(self, judge: Judge) -> bool:
        """ "What does she do for fun?" asks for a section ("Hobbies") as a whole."""
        asked = set(judge.attribute)
        jobs = JOB if judge.question.negated else frozenset()
        return bool(asked) and any(
            asked in (stems(path[-1]), stems(path[-1]) - _SECTION_LABEL, idioms(path[-1]))
            # "What work is she not interested in?": Work preferences > Not interested in, or
            # Preferences > Not interested in (of work: no job of hers is asked for).
            or (len(stems(path[-1])) >= 2 and stems(path[-1]) <= asked and asked - stems(" ".join(path)) <= jobs)
            for path in self.corpus.paths
        )

    def _section_for(self, wanted: set[str], *, exact: bool = False) -> tuple[str, ...] | None:
        """The narrowest section named by the asked words: "API testing" -> Testing > Api; `exact`:
        by its own heading alone ("Volunteering"), never a negated one."""
        found = [
            path
            for path in self.corpus.paths
            if wanted
            and heading_stems(path[-1]) & wanted
            and wanted <= (heading_stems(path[-1]) if exact else stems(" ".join(path)))
            and not (exact and _negated(path[-1]))
        ]
        if exact:
            # "Volunteering" before one of its entries ("Semente Digital - volunteer mentor").
            return max(found, key=lambda p: (len(wanted) / len(heading_stems(p[-1])), len(p))) if found else None
        return max(found, key=len) if found else None

    def _yes_no(
        self, q: Question, passing: list[Scored], ranked: list[Scored], absent: list[str], asked: tuple[str, ...]
    ) -> Draft:
        """Yes or No only when the best line settles it; otherwise the lines, without a verdict."""
        if absent:
            # Never mentioned: a line about its kind may still settle it ("a PhD?" - "two degrees:
            # a BSc and an MSc").
            kinds = {BROADER[t] for t in absent if t in BROADER}
            related = kinds | {t for t, k in BROADER.items() if k in kinds}
            # Lines naming a degree themselves first ("MSc Robotics, ..."), not by their heading.
            close = sorted(
                (s for s in ranked if related & s.candidate.own),
                key=lambda s: (-len(related & s.candidate.own), -s.score),
            )
            if not close:
                return self._no_at_all(absent, ranked, asked)
            written = [w for w in words(q.text) if stem(w) in absent]  # as the visitor wrote it: "PhD"
            lines = self._best_lines(close, limit=2, margin=1.0)
            return Draft("answer", lines, unmentioned=" ".join(written) or " ".join(absent))
        if not passing:
            return REFUSAL
        best = passing[0].candidate
        lead, lines = self._verdict(q, best, asked, self._best_lines(passing, limit=2, margin=0.08))
        named = best.unit.path and set(asked) & heading_stems(best.unit.path[-1])
        if lead and named and _BARE.search(best.unit.text):
            # "Open to relocating: yes" in a section on relocation: and what the section adds
            # ("Willing destinations: Norway, Netherlands").
            lines = (*lines[:1], *self._rest_of_section(best, lines[0]))[:3]
        others = {kin for t in asked for kin in siblings(t)}
        if lead == "No" and UNFINISHED.search(best.unit.text):
            # Not finished yet: the entry it is in (not the document itself) says when it will be
            # ("MSc ... Sep 2027 (expected)").
            first = self._first_under(best.unit.path) if len(best.unit.path) > 1 else None
            opening = (Line(first.unit.text, first.row),) if first is not None else ()
            return Draft("answer", tuple(dict.fromkeys((*opening, *lines[:1]))), lead=lead)
        if lead == "No" and others:
            # "A master's?" - "No": and the degree she does have.
            kin = [s for s in ranked if others & s.candidate.own and not settles(s.candidate.unit.text, asked)]
            # (The one the answer itself goes on to: "No PhD ... My highest degree is an MSc".)
            kin.sort(key=lambda s: s.candidate.unit.path != best.unit.path)
            lines = (*lines, *self._best_lines(kin[:1], limit=1, margin=1.0)) if kin else lines
        return Draft("answer", tuple(dict.fromkeys(lines)), lead=lead)

    def _verdict(
        self, q: Question, best: Candidate, asked: tuple[str, ...], lines: tuple[Line, ...]
    ) -> tuple[str, tuple[Line, ...]]:
        """Whether the best line says yes or no to what was asked, and the lines that show it."""
        lead = settles(best.unit.text, asked, best.held)
        if best.unit.path and best.unit.path[-1].endswith("?"):
            # An FAQ's answer says yes or no to its own question with its first word, whichever of
            # its lines is the best: "Do you have a PhD?" "No. ... I've thought about a PhD."
            opening = next(loc for loc in self.corpus.outline if loc.unit.path == best.unit.path)
            lead = _said(opening.unit.text) or settles(best.unit.text, asked)
            if lead == "No" and opening.unit.text != best.unit.text:
                lines = (Line(opening.unit.text, opening.row), *lines)[:2]
        if lead and _TURN.match(best.unit.text) and not self._asked_before(best, set(asked), q.willing):
            lead = ""  # an interview's "A: Yes, in December 2020 ..." answers its own question
        if _QUESTION_TURN.match(best.unit.text):
            # The interviewer affirms nothing ("Q: Then you moved to Sweden."); the reply does, to
            # what its question asks: "A: Yes, in December 2020".
            same = set(asked) <= stems(best.unit.text) and (not q.willing or willing(best.unit.text))
            reply = self._reply(best) if same else None
            lead = _said(reply.unit.text[2:]) if reply else ""
            # With its reply, whether or not that opens with a yes or no ("A: Only to Grenoble or Geneva.").
            lines = (Line(best.unit.text, best.row), Line(reply.unit.text, reply.row)) if reply else lines
        elif best.unit.text.rstrip().endswith("?"):
            # A question ("How did you end up in tools?") affirms nothing; what follows it may, in
            # an FAQ of bold questions: "Do you have a PhD? Are you planning one?" "No PhD, and ...".
            answer = next(
                (loc for loc in self.corpus.outline[self._at(best) + 1 :] if not loc.unit.text.rstrip().endswith("?")),
                None,
            )
            same = answer is not None and answer.unit.path == best.unit.path
            lead = (_said(answer.unit.text) or settles(answer.unit.text, asked)) if answer is not None and same else ""
            lines = (Line(answer.unit.text, answer.row),) if answer is not None and lead else lines
        if lead == "Yes" and under_negation(best.unit):
            # "Do not contact about: roles requiring relocation outside the Nordics (including
            # London)" says no to London, and nothing of relocating as such.
            lead = "No" if q.entities and all(e in best.own for e in q.entities) else ""
        return lead, lines

    def _reply(self, c: Candidate) -> Located | None:
        """The answer that follows an interview's question ("Q: ..." then "A: ...")."""
        after = next((loc for loc in self.corpus.outline[self._at(c) + 1 :] if loc.unit.kind != "heading"), None)
        return after if after is not None and _TURN.match(after.unit.text) else None

    def _asked_before(self, c: Candidate, asked: set[str], would: bool) -> bool:
        """Whether the interview question an answer follows ("Q: Would you relocate?") asks it too,
        of what was done or (`would`) of what would be."""
        earlier = reversed(self.corpus.outline[: self._at(c)])
        question = next((loc.unit for loc in earlier if _QUESTION_TURN.match(loc.unit.text)), None)
        return question is not None and asked <= stems(question.text) and (not would or willing(question.text))

    def _rest_of_section(self, c: Candidate, line: Line) -> list[Line]:
        """The other records of a bare answer's section, each labelled list in a line."""
        path = c.unit.path
        here = [loc for loc in self.corpus.outline if loc.unit.path == path and loc.unit.text != c.unit.text]
        pairs = [Line(loc.unit.text, loc.row) for loc in here if loc.unit.kind == "pair"]
        lists = [self._gist((*path, loc.unit.text), frozenset()) for loc in here if loc.unit.kind == "heading"]
        return [extra for extra in (*lists, *pairs) if extra is not None and extra != line]

    def _no_at_all(self, absent: list[str], ranked: list[Scored], asked: tuple[str, ...]) -> Draft:
        """ "Would you relocate to Toronto?": a plain no to relocating answers it, wherever to; a
        yes to relocating would say nothing about Toronto."""
        attribute = tuple(t for t in asked if t not in absent)
        about = [s for s in ranked if attribute and all(t in s.candidate.held for t in attribute)]
        lines = self._best_lines(about[:1], limit=1, margin=1.0) if about else ()
        if lines and settles(lines[0].text, attribute, about[0].candidate.held) == "No":
            return Draft("answer", lines, lead="No")
        if lines and _BOUNDED.search(lines[0].text):
            # "Open to relocating within the EU only": where to is bounded, which answers for
            # London as for anywhere (with no yes or no: whether London is inside is not written).
            return Draft("answer", lines)
        return REFUSAL

    def _comparison(self, q: Question, shown: frozenset[str]) -> Draft:
        lines: list[Line] = []
        for side in q.sides:
            names = tuple(t for t in side if t in q.entities) or side
            judge = Judge(q, self.corpus, entities=names)
            # Two jobs compared as jobs, not by a measure of them ("which is bigger ...").
            if judge.asks_job() and not _MEASURED.search(q.text) and (job := self._job_where(_naming(names))):
                lines += [line for line in job.lines if line not in lines]  # "her job at A compared with B"
                continue
            best = [s for s in judge.rank(self.found) if s.passes and not _shown(s.candidate.unit.text, shown)]
            if q.duration:
                best = [s for s in best if span_months(s.candidate.unit.text)] or best
            if not best:
                return REFUSAL
            line = self._named_line(best[0].candidate, names)
            if line not in lines:
                lines.append(line)
        if q.duration:
            # "Which job did she hold longer?": the longer span first.
            lines.sort(key=lambda line: -(span_months(line.text) or 0))
        return Draft("answer", tuple(lines))

    def _job_where(self, says: Callable[[str], object]) -> Draft | None:
        """The work-history entry that says something (names an employer, is current), and the first
        thing it says she did there (its first bullet), a section's entry before a table's row."""
        entries = [
            loc
            for loc in self.corpus.outline
            if loc.unit.text in self.corpus.positions and says(self.corpus.told(loc.unit.text))
        ]
        if not entries:
            return None
        entry = min(entries, key=lambda loc: loc.unit.kind != "heading")
        path = (*entry.unit.path, entry.unit.text)
        under = [loc for loc in self.corpus.outline if loc.unit.path == path and loc.unit.kind != "heading"]
        did = [loc for loc in under if loc.unit.kind == "item"][:1] or under[:1]
        lines = (Line(_with_heading(entry.unit, brief=True), entry.row), *(Line(d.unit.text, d.row) for d in did))
        return Draft("answer", lines)

    def _named_line(self, c: Candidate, names: tuple[str, ...]) -> Line:
        """A side of a comparison, named: "expo-plugin-moodring: 412 stars, ~9k downloads a month."."""
        line = self._line(c)
        said = stems(line.text)
        if all(mentions(said, name) for name in names):
            return line
        heading = next((h for h in reversed(c.unit.path) if all(mentions(stems(h), n) for n in names)), "")
        return Line(f"{heading}: {line.text}", line.row) if heading else line

    def _listing(self, q: Question, judge: Judge, shown: frozenset[str]) -> Draft | None:
        noun = q.list_noun
        if noun == _LANGUAGE and _SPEAK in q.terms and not judge.entities and (spoken := self._spoken(shown)):
            return spoken
        qualifiers = _qualifiers(q, judge, noun)
        rows = self.corpus.doc_types.get(_doc_type_for(noun, self.corpus), [])
        if noun and len(rows) >= 2 and not judge.entities:
            titles = [Line(self.snapshot.columns["title"][row], row) for row in rows]
            # And those with no document of their own: "Side project: Wobblebot, a robot kit."
            documented = [line.text.lower() for line in titles]
            sources = {self.snapshot.columns["source"][row] for row in rows}
            titles += [
                Line(sentences(loc.unit.text)[0], loc.row)
                for loc in self.corpus.outline
                if loc.unit.kind == "pair"
                and noun in stems(loc.unit.key)
                and len(loc.unit.key.split()) <= 3  # a label, not "Sorrel is a personal side project:"
                and self.snapshot.columns["source"][loc.row] not in sources  # nor a project's "Project page:"
                and not any(title in loc.unit.text.lower() for title in documented)
            ]
            return _listed(tuple(dict.fromkeys(titles)))
        # A section named for what is listed ("## Certifications") first; else the field of that
        # name in each record ("At which venues has she published?": each record's Venue).
        named = self._containers({noun}, qualifiers, judge) if noun else {}
        # (Not the roles she "is open to": each record's role is one she had.)
        values = [] if named or q.willing else self._field_values(noun, qualifiers, shown)
        if len(values) >= 2 and not judge.entities:
            return _listed(values)
        best = self._container(noun, qualifiers, judge)
        if best is None:
            return self._instances_in_topic(noun, judge, shown) if judge.entities else None
        if (q.negated or q.willing) and self._holds_jobs(best):
            return None  # "Which industries won't she work in?": none of those of her work history
        if (dated := self._dated_records(best[:-1], qualifiers & _STATUS)) is not None:
            # "Which have expired?" of records filed under "Active" and "Expired": each by its dates
            # on the day asked, whichever heading it is under.
            return dated
        items = self._listed_under(best, qualifiers, shown, noun)
        # A page of records of several kinds ("Podcast: ...", "Publication: ..."): those of the kind asked.
        keys = [stems(found[0][0]) if (found := fields(line.text)) else frozenset() for line in items]
        kinds = [key for key in keys if noun in key]
        keyed = [line for line, key in zip(items, keys, strict=True) if noun in key]
        # A record's kind in a word ("Podcast:"), not a section's label ("Personal projects: Crumb").
        if keyed and all(keys) and len(set(keys)) >= 2 and all(len(kind) == 1 for kind in kinds):
            return _listed(keyed)
        # The same list kept in another document too (a CV's and a profile's certifications):
        # what it adds.
        for other in named:
            # (Not an FAQ's answer: "Do you give talks?" "Yes. See talks-and-writing.txt.")
            same = heading_stems(other[-1]) == heading_stems(best[-1]) and not other[-1].endswith("?")
            if other[0] != best[0] and same:
                # What it adds: not "IOSH Managing Safely 2024 (valid to 2027)" again, nor a talk
                # by its quoted title when a record gives it ("Title: OTA Updates Without Tears").
                known = " ".join(line.text for line in items).lower()
                items += [line for line in self._items(other, qualifiers, shown) if _core(line.text) not in known]
        # One item is a list when the question narrowed it ("which are still valid?").
        listed = len(items) >= 2 or (len(items) == 1 and bool(qualifiers))
        return _listed(items) if listed else None

    def _listed_under(
        self, container: tuple[str, ...], qualifiers: set[str], shown: frozenset[str], noun: str
    ) -> list[Line]:
        """A section's items; a job's own section ("Tonalis B.V. | Research Intern | Jun–Sep 2017")
        opens with the job, then says what it did."""
        items = self._items(container, qualifiers, shown, noun)
        if container[-1] in self.corpus.positions and not _shown(container[-1], shown):
            return [Line(container[-1], items[0].row if items else 0), *items]
        return items

    def _holds_jobs(self, container: tuple[str, ...]) -> bool:
        """Whether a section is (part of) the work history: named for work ("Work", not an FAQ's
        "What kind of roles is he not interested in?"), or holding her positions."""
        if JOB & heading_stems(container[-1]) and not container[-1].endswith("?"):
            return True
        jobs = self.corpus.positions
        return any(loc.unit.text in jobs for loc in self.corpus.outline if loc.unit.path[: len(container)] == container)

    def _spoken(self, shown: frozenset[str]) -> Draft | None:
        """ "What languages does he speak?": the fullest list of languages that are not programming
        ones (not a "Speaking > Languages" of the two he gives talks in, nor a /uses page's Python)."""
        lists = [
            self._items(path, set(), shown, _LANGUAGE) or self._one_line(path, shown)
            for path in self.corpus.paths
            if _LANGUAGE in heading_stems(path[-1])
        ]
        # (Or a field of them: "Spoken ...... English (native), Swahili (native), French (B1)".)
        lists += [
            [Line(loc.unit.text, loc.row)]
            for loc in self.corpus.outline
            if loc.unit.kind == "pair"
            and stems(loc.unit.key) & {_LANGUAGE, _SPEAK}
            and not _shown(loc.unit.text, shown)
        ]
        spoken = [items for items in lists if items and not any(_LANGUAGE in named_kinds(line.text) for line in items)]
        # The most languages: a line of them counts each one it lists.
        fullest = max(
            spoken, key=lambda items: len(items) if len(items) > 1 else items[0].text.count(",") + 1, default=[]
        )
        if len(fullest) == 1:
            return Draft("answer", tuple(fullest))  # written in one line
        return _listed(fullest) if len(fullest) >= 2 else None

    def _one_line(self, path: tuple[str, ...], shown: frozenset[str]) -> list[Line]:
        """A section's list written in one line: "English (native), Scottish Gaelic (conversational), ..."."""
        lines = [
            Line(loc.unit.text, loc.row)
            for loc in self.corpus.outline
            if loc.unit.path == path and loc.unit.kind == "sentence" and not _shown(loc.unit.text, shown)
        ]
        return lines if len(lines) == 1 and lines[0].text.count(",") >= _LISTED_COMMAS else []

    def _field_values(self, noun: str, qualifiers: set[str], shown: frozenset[str]) -> list[Line]:
        """The distinct values of the records' field the listed noun names ("Venue: UAI")."""
        if noun not in self.corpus.all_keys:
            return []
        records = [
            (Line(value, loc.row), stems(loc.unit.text) | stems(" ".join(loc.unit.path)))
            for loc in self.corpus.outline
            if loc.unit.kind in ("pair", "row")
            for key, value in fields(loc.unit.text)
            if stems(key) == {noun} and value and not _shown(value, shown)
        ]
        # A qualifier that names a section ("programming" languages) must hold; one that tells
        # records apart ("in 2022") picks the records asked for.
        naming = {t for t in qualifiers if any(t in heading_stems(path[-1]) for path in self.corpus.paths)}
        records = [(line, held) for line, held in records if naming <= held]
        if any(not any(t in held for _, held in records) for t in qualifiers):
            return []  # "Which languages can she speak?" is not answered by records of no speaking
        telling = {t for t in qualifiers if 0 < sum(t in held for _, held in records) < len(records)}
        distinct: dict[str, Line] = {}
        for line, held in records:
            if telling <= held:
                distinct.setdefault(line.text.lower(), line)
        return list(distinct.values())

    def _container(self, noun: str, qualifiers: set[str], judge: Judge) -> tuple[str, ...] | None:
        """The heading path whose last heading names what is listed (or summarised), best first."""
        wanted = {noun} if noun else set(judge.attribute)
        if judge.question.negated:
            # "What jobs is she not interested in?": the section of what she is not interested in.
            wanted |= set(judge.attribute) | (JOB if noun in JOB else set())
        found = self._containers(wanted, qualifiers, judge)
        if not found and noun:
            # "Which orchestration tools ...": no heading says "tools"; one says "Orchestration",
            # unless a line under it is labelled as one (under "Teaching", "Award: ..." is the
            # teaching award, the section's other entries are none).
            found = {
                path: score
                for path, score in self._containers(qualifiers, qualifiers, judge).items()
                # Named by most of them: a thesis titled "Early Warning from Noisy Signals" lists no
                # wards that piloted an early-warning score.
                if 2 * len(qualifiers & stems(" ".join(path))) >= len(qualifiers)
                and not any(
                    self.corpus.full_path(loc.unit)[: len(path)] == path
                    and loc.unit.kind == "pair"
                    and noun in stems(loc.unit.key)
                    for loc in self.corpus.outline
                )
            }
        return max(found, key=lambda p: found[p]) if found else None

    def _containers(
        self, wanted: set[str], qualifiers: set[str], judge: Judge
    ) -> dict[tuple[str, ...], tuple[float, int, int]]:
        scores: dict[tuple[str, ...], tuple[float, int, int]] = {}
        lists = Counter(loc.unit.path for loc in self.corpus.outline if loc.unit.kind in ("item", "row"))
        for order, located in enumerate(self.corpus.outline):
            path = located.unit.path if located.unit.kind != "heading" else (*located.unit.path, located.unit.text)
            for depth in range(1, len(path) + 1):
                prefix = path[:depth]
                if prefix in scores:
                    continue
                # "Short courses (not certifications)" names no certifications.
                named = heading_stems(_DENIED_ASIDE.sub(" ", prefix[-1]))
                negated = _negated(prefix[-1])
                if not wanted & named or (negated and not judge.question.negated) or _instance_of(prefix[-1], wanted):
                    continue  # "What I'm not interested in" holds no interests; "Blackwater School — Fermoy" is one
                context = stems(" ".join(prefix))
                if not all(e in context for e in judge.entities) or (prefix[-1].endswith("?") and not lists[prefix]):
                    continue  # an FAQ's answer in prose ("Do you give talks?" "Yes.") lists nothing
                share = len(wanted & named) / max(len(named), 1)
                branches = 0.5 if len(self.corpus.children.get(prefix, ())) >= 2 else 0.0
                retrieved = 0.5 if located.row in self.rows else 0.0
                # Of equal scores, the narrower section ("Talks" under "Talks and writing").
                kept = 1.0 if negated else 0.0  # "What is she not interested in?": what that section lists
                scores[prefix] = (len(qualifiers & context) + share + branches + retrieved + kept, depth, -order)
        if judge.question.negated and any(_negated(path[-1]) for path in scores):
            return {path: score for path, score in scores.items() if _negated(path[-1])}
        return scores

    def _items(
        self, container: tuple[str, ...], qualifiers: set[str], shown: frozenset[str], noun: str = ""
    ) -> list[Line]:
        """The entries a section lists (of `noun`, when its records are of several kinds)."""
        depth = len(container)
        under = [loc for loc in self.corpus.outline if self.corpus.full_path(loc.unit)[:depth] == container]
        children: dict[str, Located] = {}
        for loc in under:
            path = self.corpus.full_path(loc.unit)
            if len(path) > depth:
                children.setdefault(path[depth], loc)
        qualifiers = qualifiers - stems(container[-1])
        matching = [name for name in children if qualifiers & stems(name)]
        if len(matching) == 1 and len(children) > 1:
            return self._items((*container, matching[0]), qualifiers - stems(matching[0]), shown, noun)
        entries = _entries(loc for loc in under if loc.unit.path == container)
        if entries:
            return [Line(loc.unit.text, loc.row) for loc in entries if not _shown(loc.unit.text, shown)]
        # The container's own records ("certifications:") come before its sub-sections.
        direct = [loc for loc in under if loc.unit.path == container and loc.unit.kind in ("item", "pair", "row")]
        whole = under
        if len(direct) >= 2:
            under, children = direct, {}
        if len(children) >= 2 and not any(informative_heading(name) for name in children):
            # Sections named by label ("Programming languages", "Databases"): each with its items.
            return [line for name in children if (line := self._gist((*container, name), shown)) is not None]
        if len(children) >= 2:
            sections = [name for name in children if not _OVERVIEW.match(name)] or list(children)
            sections, qualifiers = self._by_status(container, sections, qualifiers)
            named = self._narrowed_sections(container, sections, qualifiers - _DOING)
            # A label among entries ("Continuing Education" after two degrees; "Work I can talk
            # about (not open source)", its aside in brackets): what it lists.
            entry = {n: informative_heading(re.sub(r"\s*\([^)\d]*\)", "", n)) for n in named}
            return [
                (None if entry[name] else self._gist((*container, name), shown)) or Line(name, children[name].row)
                for name in named
                if not _shown(name, shown)
            ]
        leaves = self._leaves(container, under, whole, noun, shown)
        # (An entry over items is told by them too: "- **Google Cloud ...**" / "  - ~~Expires: ...~~ EXPIRED".)
        records = [
            [entry.unit.text for entry in self._record(self.corpus.full_path(loc.unit))]
            if self.corpus.heads(loc.unit)
            else [loc.unit.text]
            for loc in leaves
        ]
        if len(leaves) < 2:
            leaves, records = self._paragraphs(under, shown) or (leaves, records)
        return [Line(loc.unit.text, loc.row) for loc in _picked(leaves, records, qualifiers, self.today)]

    def _paragraphs(self, under: list[Located], shown: frozenset[str]) -> tuple[list[Located], list[list[str]]] | None:
        """Entries written as paragraphs (a plain-text list of talks): each one's first line, its
        status told by the whole paragraph ("... Issued 2021, expired 2024."); of one paragraph
        ("Off the clock: I dive. I also boulder. ..."), its sentences."""
        firsts = {(loc.row, loc.unit.block): loc for loc in reversed(under) if loc.unit.kind != "heading"}
        entries = [loc for loc in reversed(firsts.values()) if not _shown(loc.unit.text, shown)]
        if len(entries) >= 2:
            return entries, [[unit.text for unit in self._block_of(loc.row, loc.unit)] for loc in entries]
        prose = [loc for loc in under if loc.unit.kind == "sentence" and not _shown(loc.unit.text, shown)]
        return (prose, [[loc.unit.text] for loc in prose]) if len(prose) >= 2 else None

    def _leaves(
        self, container: tuple[str, ...], under: list[Located], whole: list[Located], noun: str, shown: frozenset[str]
    ) -> list[Located]:
        """A section's entries as items, fields or rows."""
        leaves = [loc for loc in under if loc.unit.kind in ("item", "pair", "row") and not _shown(loc.unit.text, shown)]
        items = [loc for loc in leaves if loc.unit.kind == "item"]
        keyed = sum(bool(noun) and noun in stems(loc.unit.key) for loc in leaves)  # "Talk: ..." records
        if len(items) >= 2 and len(items) < len(leaves) and keyed < 2:
            # Entries in a list, their notes and the page's facts as fields ("[2] Oyelaran-Sørensen
            # B, ... 2016." and its "Note: ...", "Last updated: ..."): the entries.
            return items
        if noun and leaves and keyed < 2:
            # "What talks has she given?": the dated paragraphs that speak of talks, not the page's
            # "Podcast: ..." and "Last updated: ..." records.
            starts = {(loc.row, loc.unit.block): loc for loc in reversed(whole) if loc.unit.path == container}
            paragraphs = [loc for loc in reversed(starts.values()) if loc.unit.kind == "sentence"]
            told = [loc for loc in paragraphs if self._dated_entry_of(loc, noun) and not _shown(loc.unit.text, shown)]
            return told if len(told) >= 2 else leaves
        return leaves

    def _dated_entry_of(self, loc: Located, noun: str) -> bool:
        """Whether a paragraph is a dated entry of the noun ("NordStream Conf 2019, Oslo — ... Maya's
        first conference talk.")."""
        block = self._block_of(loc.row, loc.unit)
        return bool(DATE.search(loc.unit.text)) and noun in stems(" ".join(unit.text for unit in block))

    def _by_status(
        self, container: tuple[str, ...], names: list[str], qualifiers: set[str]
    ) -> tuple[list[str], set[str]]:
        """ "Which are still valid?" of records kept as sections (one heading per certification):
        those valid today (folio.answers.validity), and what else is asked. Records that say
        nothing of their validity are left to the words."""
        asked = qualifiers & _STATUS
        if not asked:
            return names, qualifiers
        records = {name: self._record((*container, name)) for name in names}
        said = {name: _status_stems(status([loc.unit.text for loc in records[name]], self.today)) for name in names}
        if not any(said.values()):
            return names, qualifiers
        return [name for name in names if asked <= said[name]], qualifiers - asked

    def _dated_records(self, container: tuple[str, ...], asked: set[str]) -> Draft | None:
        """The records (a heading each) of a section's groups ("Active", "Expired") whose validity
        on the day, by their dates, is the one asked; when none is, each with the date that says
        so. None when no status is asked or a record's validity is not in its dates."""
        depth = len(container)
        paths = [path for path in self.corpus.paths if len(path) == depth + 2 and path[:depth] == container]
        if not asked or not container or len({path[depth] for path in paths}) < 2:
            return None
        records = {path: [loc.unit.text for loc in self._record(path)] for path in paths}
        if not all(
            status(texts, date.max) == EXPIRED and status(texts, date.min) == VALID for texts in records.values()
        ):
            return None  # some are valid or expired by their words only: the headings tell
        said = {path: _status_stems(status(texts, self.today)) for path, texts in records.items()}
        rows = {self.corpus.full_path(loc.unit): loc.row for loc in self.corpus.outline if self.corpus.heads(loc.unit)}
        kept = [Line(path[-1], rows[path]) for path in paths if asked <= said[path]]
        if kept:
            return _listed(kept)
        dates = [
            Line(f"{path[-1]}: {text}", rows[path])
            for path, texts in records.items()
            for text in texts
            if _EXPIRY_LINE.match(text)
        ]
        return Draft("answer", tuple(dates[:_MAX_ITEMS]), lead="None", listing=True)

    def _record(self, path: tuple[str, ...]) -> list[Located]:
        """A section's units, its heading's among them."""
        return [loc for loc in self.corpus.outline if self.corpus.full_path(loc.unit)[: len(path)] == path]

    def _validity(self, q: Question, judge: Judge) -> Draft | None:
        """ "Is his CKA still valid?", "Has her AWS certification expired?": the named record's
        validity today, with the lines that show it (its expiry date, not a note that it is active)."""
        terms = set(q.terms)
        credential = _CREDENTIAL in terms and bool(_NOW.search(q.text))
        asked = VALID if VALID in terms or credential else EXPIRED if EXPIRED in terms else ""
        # The record named by what the question calls it: "the AWS developer certification" (not
        # the AWS Cloud Practitioner), "her scrum master cert".
        names = {*judge.entities, *(t for t in judge.attribute if t not in (VALID, EXPIRED, _CREDENTIAL, "current"))}
        if not asked or not names:
            return None
        # (Or by its name alone, when the other words are the question's own: "the AWP accessibility cert".)
        named = self.corpus.naming(names) or (self.corpus.naming(set(judge.entities)) if judge.entities else [])
        # By its name rather than its notes ("... Cloud Practitioner (...; Notes: went for the
        # Developer one instead)"), when a record's name holds them all.
        titled = [loc for loc in named if names <= stems(_name_of_record(loc.unit.text))]
        named = titled or named
        headings = [self.corpus.full_path(loc.unit) for loc in named if self.corpus.heads(loc.unit)]
        records = [self._record(path) for path in headings]
        # A record in a line, or written as a paragraph ("2021 AWS Certified ... Issued 2021,
        # expired 2024."): its sentences.
        records += [
            [loc] if loc.unit.kind != "sentence" else self._paragraph_of(loc.row, loc.unit)
            for loc in named
            if not headings and loc.unit.kind in ("item", "pair", "row", "sentence")
        ]
        # (A record that says nothing of its validity, a list of names in a summary, tells nothing.)
        told = [
            (record, found) for record in records if (found := status([loc.unit.text for loc in record], self.today))
        ]
        records = [record for record, _ in told]
        said = {found for _, found in told}
        if not records or len(said) != 1:
            return None  # named nowhere, or records that differ: the lines say which is which
        verdict = said.pop()
        lines = [
            next((loc for loc in record if status([loc.unit.text], self.today) == verdict), record[0])
            for record in records
        ]
        shown = tuple(dict.fromkeys(Line(_with_heading(loc.unit), loc.row) for loc in lines))
        # The verdict in words, whichever way it was asked: "No, it has expired".
        said_as = "it is still valid" if verdict == VALID else "it has expired"
        return Draft("answer", shown[:3], lead=f"{'Yes' if verdict == asked else 'No'}, {said_as}")

    def _narrowed_sections(self, container: tuple[str, ...], names: list[str], qualifiers: set[str]) -> list[str]:
        """The sections the qualifiers tell apart ("open-source" projects): those said, in their
        own lines or in any line naming them (an overview's table row), to hold the most of them."""
        if not qualifiers:
            return names
        held = {name: set[str]() for name in names}
        for loc in self.corpus.outline:
            path, text = self.corpus.full_path(loc.unit), loc.unit.text.lower()
            for name in names:
                own = path[: len(container) + 1] == (*container, name)
                if own or re.search(rf"(?<![\w-]){re.escape(_instance(name).lower())}(?![\w-])", text):
                    said = stems(loc.unit.text) | named_kinds(loc.unit.text)  # "Licence: MIT" is open source
                    if settles(loc.unit.text, tuple(sorted(qualifiers & said))) != "No":  # not "Not open source"
                        held[name] |= qualifiers & said
        most = max(len(found) for found in held.values())
        picked = [name for name in names if most and len(held[name]) == most]
        return picked if 2 <= len(picked) < len(names) else names

    def _gist(self, section: tuple[str, ...], shown: frozenset[str]) -> Line | None:
        """A labelled section in one line: "Databases: PostgreSQL, Redis, BigQuery, ClickHouse"."""
        if _negated(section[-1]):
            return None
        leaves = [loc for loc in self.corpus.outline if loc.unit.path[: len(section)] == section]
        entries = [loc for loc in leaves if loc.unit.kind == "heading" and len(loc.unit.path) == len(section)]
        items = [
            loc
            for loc in leaves
            if loc.unit.kind == "item" or (loc.unit.kind == "pair" and len(fields(loc.unit.text)) > 1)
        ]
        # Labels ("Stream processing", "Web and API") hold only their items: the items are what the
        # section lists. Entries with records or prose of their own ("### FoldServe" and its
        # "Stack: ...") are what it lists, by name.
        described = {loc.unit.path[-1] for loc in leaves if loc.unit.kind in ("pair", "sentence", "row")}
        named = all(loc.unit.text in described for loc in entries)
        if items and not any(informative_heading(loc.unit.text) for loc in entries) and not named:
            entries = []
        records = entries or items
        # Entries with sections of their own ("### Certified Kubernetes Administrator") by name.
        names = list(dict.fromkeys(loc.unit.text if entries else _instance(loc.unit.text) for loc in records))
        if not names or _shown(section[-1], shown):
            return None
        more = f" and {len(names) - _MAX_ITEMS} more" if len(names) > _MAX_ITEMS else ""
        return Line(f"{section[-1]}: {', '.join(names[:_MAX_ITEMS])}{more}", leaves[0].row)

    def _instances_in_topic(self, noun: str, judge: Judge, shown: frozenset[str]) -> Draft | None:
        """ "Which languages was Larkspur written in?": the documents' own list of languages, met in
        the lines about Larkspur."""
        names = {
            _instance(line.text)
            for container in self.corpus.paths
            if noun in stems(container[-1])
            for line in self._items(container, set(), frozenset())
        }
        names.discard("")
        lines: list[Line] = []
        for scored in judge.rank(self.found):
            c = scored.candidate
            if not all(mentions(c.context, e) for e in judge.entities) or _shown(c.unit.text, shown):
                continue
            if any(re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", c.unit.text) for name in names):
                line = self._line(c)
                if line not in lines:
                    lines.append(line)
        return Draft("answer", tuple(lines[:3])) if lines else None

    def _about_owner(self, shown: frozenset[str]) -> Draft:
        """ "Who is Maya?", "Tell me about her": the opening of the document about them."""
        # What a page says of them first, in sentences, before any page's fields ("Name: ...").
        sources = [self.snapshot.columns["source"][row] for t in _ABOUT for row in self.corpus.doc_types.get(t, [])]
        for prose in (True, False):
            for source in sources:
                lines = self._document_lines(source, shown, prose=prose)
                if lines:
                    return Draft("answer", lines[:2])
        return REFUSAL

    def _now_page(self, shown: frozenset[str]) -> Draft | None:
        """A now page's news: the first entry of each of its first three sections (work, learning, life)."""
        firsts: dict[tuple[str, ...], Line] = {}
        sources = self.snapshot.columns["source"]
        for row in self.corpus.doc_types.get("now", [])[:1]:
            for loc in self.corpus.outline:
                unit = loc.unit
                entry = unit.kind in ("item", "sentence", "pair") and not _shown(unit.text, shown)
                if entry and sources[loc.row] == sources[row]:
                    firsts.setdefault(unit.path, Line(unit.text, loc.row))
        lines = [line for path, line in firsts.items() if len(path) > 1]  # not the page's own preamble
        return Draft("answer", tuple(lines[:3]), listing=True) if len(lines) >= 2 else None

    def _skills(self, shown: frozenset[str], others: frozenset[str]) -> Draft | None:
        """The owner's skills as a whole: a line for each kind of them (not those `others` name),
        from the skills profile, or else from the section of skills ("## Technical skills")."""
        for row in self.corpus.doc_types.get("skills", [])[:1]:
            root = (self.snapshot.columns["title"][row],)
            paths = (loc.unit.path for loc in self.corpus.outline)
            kinds = dict.fromkeys(path[1] for path in paths if len(path) > 1 and path[:1] == root)
            # Each kind of skill in a line; not the profile's name, role, hobbies or certificates.
            lines = [
                line
                for kind in kinds
                if not heading_stems(kind) & others and (line := self._gist((*root, kind), shown)) is not None
            ]
            if len(lines) >= 2:
                return _listed(lines)
        named = [path for path in self.corpus.paths if heading_stems(path[-1]) & _SKILLS]
        items = self._items(min(named, key=len), set(), shown) if named else []
        return _listed(items) if len(items) >= 2 else None

    def _document_lines(self, source: str, shown: frozenset[str], *, prose: bool = False) -> tuple[Line, ...]:
        columns = self.snapshot.columns
        rows = [r for r, s in enumerate(columns["source"]) if s == source]
        kinds = ("sentence",) if prose else ("sentence", "item", "pair", "row")
        units = [loc for r in rows for loc in self._units_of(r) if loc.unit.kind in kinds]
        return tuple(dict.fromkeys(Line(loc.unit.text, loc.row) for loc in units if not _shown(loc.unit.text, shown)))

    def _opening(self, judge: Judge, shown: frozenset[str]) -> Draft | None:
        """What a named document is: its opening lines, then its sections' first lines. Named by
        its title, or by two or more of the asked words in its title when it names the rest ("the
        occlusion detection project at Kerlys": "Occlusion detection rework", "Employer: Kerlys")."""
        columns = self.snapshot.columns
        asked = set(judge.attribute)
        titles = {source: stems(columns["title"][row]) for source, row in self.corpus.first_row.items()}
        named = [source for source, title in titles.items() if all(e in title for e in judge.entities)]
        described = sorted(
            (
                source
                for source, title in titles.items()
                if len(asked & title) >= 2 and all(e in self.corpus.source_words[source] for e in judge.entities)
            ),
            key=lambda source: -len(asked & titles[source]),
        )
        source = next(iter((*named, *described)), None)
        if source is None:
            return self._section_opening(set(judge.entities), shown)
        # Its prose says what it is; its facts ("Licence: MIT") are for the questions they answer.
        lines = self._document_lines(source, shown, prose=True) or self._document_lines(source, shown)
        return Draft("answer", lines[:3]) if lines else None

    def _section_opening(self, names: set[str], shown: frozenset[str]) -> Draft | None:
        """What a section is, named by its heading ("## flakewatch (side project)"): its first lines."""
        for path in self.corpus.paths:
            if names and names <= heading_stems(path[-1]):
                under = [
                    Line(loc.unit.text, loc.row)
                    for loc in self.corpus.outline
                    if loc.unit.path == path and loc.unit.kind != "heading" and not _shown(loc.unit.text, shown)
                ]
                return Draft("answer", tuple(under[:2])) if under else None
        return None

    # --- lines ------------------------------------------------------------------------------

    def _best_lines(self, passing: list[Scored], *, limit: int, margin: float) -> tuple[Line, ...]:
        top = passing[0].score
        lines: list[Line] = []
        for scored in passing:
            if len(lines) == limit or scored.score < top - margin:
                break
            line = self._line(scored.candidate)
            if any(line.text in kept.text for kept in lines):
                continue
            # A heading already given and then a line under it: the line with its heading says both.
            lines = [kept for kept in lines if kept.text not in line.text]
            lines.append(line)
        return tuple(lines)

    def _line(self, c: Candidate) -> Line:
        unit = c.unit
        if unit.text in self.corpus.records:
            return Line(self.corpus.told(unit.text), c.row)  # a job kept as a record: its name, role, dates
        if unit.kind == "heading" and unit.text in self.corpus.positions:
            return Line(_with_heading(unit), c.row)  # a job's title by its employer
        if unit.kind == "heading" and len(unit.text.split()) <= _BARE_HEADING_WORDS:
            # A heading names a topic; what it says is under it ("1:1s: Weekly, 30 min, ...").
            under = self._first_under((*unit.path, unit.text))
            if under is not None:
                return Line(f"{unit.text}: {under.unit.text}", under.row)
        text = unit.text
        record = fields(text) if self.focus and unit.kind in ("pair", "row") else []
        asked = [(key, value) for key, value in record[1:] if stems(key) & self.focus]
        if asked:
            text = "; ".join(f"{key}: {value}" for key, value in (record[0], *asked))
        if unit.kind == "sentence":
            text = self._clause(text)
        previous, following = self._neighbours(c)
        if previous is not None and completes(previous, unit):
            text = f"{previous.text} {text}"
        if following is not None and completes(unit, following):
            text = f"{text} {following.text}"  # "BSc Physics, 2011–2015" + "First-class honours."
        heading = unit.heading
        labelled = unit.kind in ("item", "pair", "row") and (len(heading.split()) > 1 or informative_heading(heading))
        # A line under a heading that states something ("Kestrel Marine Robotics — Plymouth").
        stated = unit.kind == "sentence" and informative_heading(heading)
        # A fact at the top of a project's write-up ("Language: Rust") is the project's.
        project_fact = unit.kind in ("item", "pair", "row") and self.snapshot.columns["doc_type"][c.row] == "project"
        if (len(unit.path) > 1 and (labelled or stated)) or (len(unit.path) == 1 and project_fact):
            # An FAQ's answer follows its question: "Would you relocate? No, not before 2027."
            joined = f"{heading} {text}" if heading.endswith("?") else f"{heading}: {text}"
            text = text if stems(heading) <= stems(text) else joined
        return Line(text, c.row)

    def _clause(self, text: str) -> str:
        """Of a sentence giving two figures ("one marathon, Rotterdam 2019 in 3:28:14, and my half
        marathon PB is 1:36:50"), the clause that holds most of what was asked, marked as cut (not
        "He would not start before April 2027, and his notice period is 60 days": two answers)."""
        clauses = _CLAUSES.split(text)
        figured = [clause for clause in clauses if NUMBER.search(clause)]
        if not self.weights or len(figured) < 2 or len(figured) != len(clauses):
            return text
        said = [{t for t in self.weights if t in stems(clause)} for clause in clauses]
        held = [sum(self.weights[t] for t in terms) for terms in said]
        best = max(range(len(clauses)), key=held.__getitem__)
        if sorted(held)[-2] >= held[best] or set().union(*said) - said[best] or not all(said):
            # Cut only where the clauses tell of the same thing (a marathon, a half marathon) and
            # one says more of it, and all the line says of it.
            return text
        clause = clauses[best].strip()
        return clause if best == 0 else f"… {clause}"

    def _place(self, c: Candidate) -> Line | None:
        """A place given field by field ("city:", "country:" under "location:"): the fields together."""
        if c.unit.kind != "pair" or not stems(c.unit.key) & PLACE_KEYS:
            return None
        parts = [
            loc.unit.text
            for loc in self._units_of(c.row)
            if loc.unit.kind == "pair" and loc.unit.path == c.unit.path and stems(loc.unit.key) & PLACE_KEYS
        ]
        return Line("; ".join(parts), c.row) if len(parts) >= 2 else None

    def _neighbours(self, c: Candidate) -> tuple[Unit | None, Unit | None]:
        units = [loc.unit for loc in self._units_of(c.row)]
        for n, unit in enumerate(units):
            if unit == c.unit:
                return (units[n - 1] if n else None), (units[n + 1] if n + 1 < len(units) else None)
        return None, None

    def _first_under(self, path: tuple[str, ...]) -> Located | None:
        """The first line of a section."""
        return next((loc for loc in self.corpus.outline if loc.unit.path == path and loc.unit.kind != "heading"), None)

    def _units_of(self, row: int) -> list[Located]:
        return self.corpus.by_row.get(row, [])

    def _block_of(self, row: int, unit: Unit) -> list[Unit]:
        """The units of a unit's paragraph (or list), in order."""
        return [loc.unit for loc in self._paragraph_of(row, unit)]

    def _paragraph_of(self, row: int, unit: Unit) -> list[Located]:
        return [loc for loc in self._units_of(row) if loc.unit.block == unit.block]

    def _at(self, c: Candidate) -> int:
        """Where a candidate stands in the corpus's outline."""
        return next((n for n, loc in enumerate(self.corpus.outline) if loc.unit == c.unit and loc.row == c.row), 0)


_NEGATION = re.compile(r"\b(?:not|never|no)\b", re.IGNORECASE)
_BARE_HEADING_WORDS = 3
_ASKS_ANY = re.compile(
    r"^(?:are|is) there any\b|^(?:does|do|did|has|have) \w+ (?:have |got |hold |do |get )?any\b", re.IGNORECASE
)


def _said(answer: str) -> str:
    """ "Yes" or "No" when an answer opens with it ("No, not before 2027."), else ""."""
    first = next(iter(words(answer)), "").lower()
    return "Yes" if first == "yes" else "No" if first in _NO_WORDS else ""


def _negated(heading: str) -> bool:
    """ "What I'm not interested in" holds no interests; "When I'm not at a keyboard" holds hobbies;
    "Work I can talk about (not open source)" holds work, its aside says how."""
    return bool(_NEGATION.search(re.sub(r"\([^)]*\)", " ", heading))) and not idioms(heading)


_DENIED_ASIDE = re.compile(r"\((?:not|no|never)\b[^)]*\)", re.IGNORECASE)
_STATUS = frozenset((VALID, EXPIRED, "current"))
_CREDENTIAL = stem("certification")
_KIND_OF = re.compile(r"\b(?:kinds?|types?|sorts?) of (\w+)", re.IGNORECASE)
_SPELL_CHECKED = 6
_BASED = stem("based")
_MEASURED = re.compile(
    r"\b(?:bigger|larger|smaller|more|fewer|less|longer|shorter|higher|lower|faster|slower|older|newer)\b", re.I
)
_NOW = re.compile(r"\b(?:current(?:ly)?|now|at (?:the )?(?:moment|present)|still)\b", re.IGNORECASE)
# An interview's turns: "Q: Then you moved to Sweden." / "A: Yes, in December 2020 ...".
_TURN = re.compile(r"^A\s*[:.]\s")
_QUESTION_TURN = re.compile(r"^Q\s*[:.]\s")
_NO_WORDS = frozenset(("no", "not", "never", "nope", "neither"))  # "A PhD or a master's?" "Neither."
# What a question about the owner's skills as a whole asks for, and the words around it.
_SKILLS = frozenset((stem("skills"), stem("stack"), stem("tools")))
_NOT_SKILLS = JOB | frozenset(stem(w) for w in ("hobbies", "certification", "contact", "education", "project", "talk"))
# A tech stack is the technical skills: not the languages she speaks or her soft skills.
_TECH = frozenset((stem("stack"), stem("tools")))
_LANGUAGE = stem("language")
_SPEAK = stem("speak")
_NOT_TECH = frozenset(stem(w) for w in ("spoken", "soft", "interpersonal", "people"))
_END_KEYS = (stems("End"), stems("End date"))
_RANGE = re.compile(r"\b(?:19|20)\d{2}(?:-\d{2})?\s*(?:-|–|—|->|to)\s*(?:[a-z]+\.?\s+)?(?:19|20)\d{2}\b", re.I)
_TEMPORAL = re.compile(r"\b(?:before|after|prior to|until)\b", re.IGNORECASE)
_THING = re.compile(r"\b(?:it|its|this|that)\b", re.IGNORECASE)
_SKILL_WORDS = frozenset((stem("know"), stem("technical"), stem("have"), stem("main"), stem("key")))
# "What is she up to / doing / working on ('do', folio.answers.question) now?", not "what does she do".
_UP_TO = re.compile(r"\b(?:up to|doing|busy with|focus(?:ed|ing)? on|(?:is|are) \w+ do)\b", re.IGNORECASE)
_QUOTED_TITLE = re.compile(r"[\"“][^\"”]{8,}[\"”]")
# "What talk did she give ...", "Which award did it win ...": one of a kind of thing.
# "Where did she work before Tidewell?", "... after leaving Corvid": the job next to a named one.
_BESIDE = re.compile(
    r"\b(before|after)\s+(?:joining|leaving|working (?:at|for)|going to|moving to)?\s*(?:the\s+)?[A-Z]"
)
_ABOUT_WHAT = re.compile(r"\babout\s*\??\s*$", re.IGNORECASE)
_THAT_ONE = re.compile(r"\b(?:that|this) one\b", re.IGNORECASE)
_THOSE = re.compile(r"\b(?:which|what) (?:of (?:those|these|them)|ones)\b", re.IGNORECASE)
_WHICH_ONE = re.compile(r"(?:which|what) one\b", re.IGNORECASE)
# Words a heading adds to what its section is about: "Contact preferences" are about contact,
# "What kind of work are you NOT interested in?" about work.
_SECTION_LABEL = frozenset(stem(w) for w in ("preferences", "details", "information", "info", "kind", "type", "sort"))
# A section that surveys its siblings rather than being one of them.
_OVERVIEW = re.compile(
    r"^(?:(?:[\w-]+ )?(?:overview|summary)|introduction|intro|at a glance|contents|in short)$", re.IGNORECASE
)
# Verbs that ask what was done with a thing, not an attribute it must hold.
_DOING = USE | frozenset((stem("build"), stem("do"), stem("work"), stem("make")))
_INCLUSIVE = re.compile(r"\b(?:in total|altogether|all (?:of )?(?:her|his|their|the)|including|counting)\b", re.I)
_EARLIEST = frozenset(("start", "first", "earliest", "earlier"))
_NEXT = frozenset(("next", "upcom"))
_LATEST = frozenset(("leav", "end", "finish", "last", "latest", "most", "recent"))


def _picked(leaves: list[Located], records: list[list[str]], qualifiers: set[str], today: date) -> list[Located]:
    """The items the qualifiers that tell them apart ("spring 2015" among terms) ask for. A status
    picks first, even one item ("which are still valid?", "currently"); the other words then need
    two ("board or advisory positions" are either). Each item's record is the text that tells its
    status."""
    held = [stems(loc.unit.text) for loc in leaves]
    # A record's status is its validity when it says (folio.answers.validity): "Expires:
    # 2026-05-20" is no expired one after that day, whatever its "Status:" says.
    statuses = [_status_stems(status(record, today)) or stems(" ".join(record)) for record in records]
    telling = {t for t in qualifiers if 0 < sum(t in h for h in held) < len(held)}
    telling |= {t for t in qualifiers & _STATUS if 0 < sum(t in h for h in statuses) < len(held)}
    if asked := telling & _STATUS:
        kept = [(loc, h) for loc, h, s in zip(leaves, held, statuses, strict=True) if asked <= s]
        leaves, held, telling = [loc for loc, _ in kept], [h for _, h in kept], telling - asked
    picked = [loc for loc, h in zip(leaves, held, strict=True) if telling and telling <= h]
    return picked if len(picked) >= 2 else leaves


def _location_field(unit: Unit) -> bool:
    """Where the owner is based, as a field: "Location: Hamburg" near the top of a page (not a
    job's, deeper down), or a field of a section so named ("location:" > "city: Lyon")."""
    if unit.kind != "pair" or len(unit.path) > 2:
        return False
    return _BASED in stems(unit.key) or (len(unit.path) == 2 and _BASED in heading_stems(unit.path[-1]))


def _status_stems(said: str) -> frozenset[str]:
    """A validity as the words a question asks it with: "still valid", "currently", "expired"."""
    return frozenset((VALID, "current")) if said == VALID else frozenset((EXPIRED,)) if said == EXPIRED else frozenset()


def _naming(names: tuple[str, ...]) -> Callable[[str], bool]:
    def says(text: str) -> bool:
        return all(mentions(stems(text), e) for e in names)

    return says


def _spelled(q: Question, corpus: Corpus) -> Question:
    """The question in the documents' words where the visitor misspelt one ("relocatng"), and
    about the things they name in lower case."""
    # A question's first few words the documents never use: a visitor's typos, not a page of
    # made-up words, each of which would cost a search of the vocabulary.
    unknown = dict.fromkeys(t for t in (*q.terms, *q.entities) if not corpus.known(t))
    fix = {t: corpus.spelled(t) for t in list(unknown)[:_SPELL_CHECKED]}
    terms = tuple(dict.fromkeys(fix.get(t, t) for t in q.terms))
    # "What tech stack is planviz built with?": the section named "planviz" is what it is about.
    named = (t for t in terms if t in corpus.lower_names and t not in q.entities)
    entities = tuple(dict.fromkeys((*(fix.get(e, e) for e in q.entities), *named)))
    if terms == q.terms and entities == q.entities:
        return q
    return replace(
        q,
        terms=terms,
        entities=entities,
        list_noun=fix.get(q.list_noun, q.list_noun),
        quantity=fix.get(q.quantity, q.quantity),
    )


def _qualifiers(q: Question, judge: Judge, noun: str) -> set[str]:
    """The asked words that narrow a list of the noun, none when it asks for all of them ("in
    total, including the expired ones")."""
    if _INCLUSIVE.search(q.text):
        return set()
    # "currently", "still valid": a status asked, even where the question's words leave it out.
    status = (set(q.terms) & _STATUS) | ({"current"} if _NOW.search(q.text) else set())
    # "What languages does he speak?": spoken languages, not those of a "Speaking" section.
    spoken = {_SPEAK} if noun == _LANGUAGE else set()
    # "What kind of work is he not interested in?": work is what is listed, not which of it.
    kind = {stem(m.group(1)) for m in _KIND_OF.finditer(q.text)}
    return {t for t in judge.attribute if t != noun} - spoken - kind | status


def both(answer: Draft, part: Draft) -> Draft:
    """An answer completed by the best line of a part of the question it left out."""
    if part.kind == "refusal" or not part.lines:
        return answer
    if answer.kind == "refusal":
        return part
    lines = (*answer.lines, *(line for line in part.lines[:1] if line not in answer.lines))
    return replace(answer, lines=lines)


def _in_time_order(
    q: Question, passing: list[Scored], positions: frozenset[str], today: date
) -> tuple[list[Scored], bool]:
    """ "When did she start at Corvid?": of the close candidates (two roles there), the earliest
    date answers; "when did she leave" the latest; "when is her next talk" the first one still to
    come. Says whether an order was asked and applied. Entries of the work history come first:
    "Before Kestrelpay I was at Ledgerline from 2017" dates another job."""
    terms = set(q.terms)
    if terms & _NEXT:
        ahead = sorted((s for s in passing if (last_day(s.candidate.unit.text) or today) > today), key=_when)
        return ahead + [s for s in passing if s not in ahead], bool(ahead)
    direction = -1 if terms & _EARLIEST else 1 if terms & _LATEST else 0
    if not direction or not passing:
        return passing, False
    top = passing[0].score
    close = [s for s in passing if s.score >= top - 0.15 and YEAR.search(s.candidate.unit.text)]
    close = [s for s in close if s.candidate.unit.text in positions] or close
    if len(close) < 2:
        return close + [s for s in passing if s not in close], bool(close)

    def when(scored: Scored) -> int:
        years = [int(y) for y in YEAR.findall(scored.candidate.unit.text)]
        return min(years) if direction < 0 else max(years)

    ordered = sorted(close, key=when, reverse=direction > 0)
    return ordered + [s for s in passing if s not in ordered], True


def _when(scored: Scored) -> date:
    return last_day(scored.candidate.unit.text) or date.max


def _core(item: str) -> str:
    """What an item names, to find it told another way: its quoted title, or its name without the
    year and notes after it ("Certified ScrumMaster, Scrum Alliance 2019" -> "certified scrummaster")."""
    quoted = re.search(r"[\"“]([^\"”]{4,})[\"”]", item)
    name = quoted.group(1) if quoted else re.split(r",|\s+(?:19|20)\d{2}\b", _instance(item))[0]
    return name.strip().lower()


def _instance(item: str) -> str:
    """The name an item stands for: "Name: Python; Years: 9" -> "Python", "English — native" -> "English"."""
    first = item.split(";")[0]
    first = first.split(": ", 1)[1] if ": " in first else first
    return first.split(" — ")[0].split(" (")[0].strip()


def _entries(located: Iterable[Located]) -> list[Located]:
    """Paragraphs that each open with a line and go on in bullets or fields ("Semente Digital -
    volunteer mentor, 2022" and its details; "[T3] Accessible Forms ..." and its "Notes: ..."):
    their opening lines, when every paragraph is one (a lone field, "Upcoming: none", aside)."""
    blocks: dict[tuple[int, int], list[Located]] = {}
    for loc in located:
        if loc.unit.kind != "heading":
            blocks.setdefault((loc.row, loc.unit.block), []).append(loc)
    blocks = {at: units for at, units in blocks.items() if len(units) > 1 or units[0].unit.kind != "pair"}
    heads = [
        units[0]
        for units in blocks.values()
        if units[0].unit.kind == "sentence" and len(units) > 1 and all(u.unit.kind != "sentence" for u in units[1:])
    ]
    return heads if len(heads) >= 2 and len(heads) == len(blocks) else []


def _instance_of(heading: str, wanted: set[str]) -> bool:
    """A heading naming one thing of the listed kind ("Blackwater Community School — Fermoy"), not a
    section of them."""
    if not informative_heading(heading):
        return False
    name = [w for w in words(re.split(r" [—–-] | \(|: |,", heading)[0]) if w]
    return len(name) >= 2 and all(w[:1].isupper() for w in name) and stem(name[-1]) in wanted


def _record_path(unit: Unit) -> tuple[str, ...]:
    """Where a line is: its section; a record of its own (a table's row, a line of fields: one
    talk of a list of talks) is itself."""
    record = unit.kind == "row" or (unit.kind == "pair" and unit.text.count("; ") >= 2)
    return (*unit.path, unit.text) if record else unit.path


def _with_heading(unit: Unit, *, brief: bool = False) -> str:
    """A work-history entry whose heading names the employer ("Tidewell Automation — Bristol");
    `brief`: a long entry by its first sentence (a timeline's "2019 — joined Kapsel Health ...")."""
    text = sentences(unit.text)[0] if brief and len(unit.text.split()) > _BRIEF_WORDS else unit.text
    heading = unit.heading
    # (A title's own heading, under its employer's: "VENTURA PAY - São Paulo" > "Engineering Manager
    # Feb 2023 - Present"; not under the history's name, "Experience".)
    titled = unit.kind != "heading" or not DATE.search(heading)
    if not titled or len(unit.path) < 2 or stems(heading) <= stems(text) or _LABEL_ONLY.match(heading):
        return text
    return f"{heading}: {text}"


def _name_of_record(text: str) -> str:
    """What a record's line is named: its first field ("Name: AWS Certified Developer; ...", "OSCP:
    Mar 2021"), or its words before any details ("AWS Certified Developer (Issued: ...)")."""
    record = fields(text)
    if record:
        key, value = record[0]
        return value if key.lower() in _NAMING_KEYS else key  # ("OSCP - Offensive ...: Mar 2021")
    return re.split(r"[(:;]", text, maxsplit=1)[0]


_NAMING_KEYS = frozenset(("name", "title", "test", "exam", "certification", "certificate", "credential"))


def _shown(text: str, shown: frozenset[str]) -> bool:
    return any(text in line for line in shown)


def _doc_type_for(noun: str, corpus: Corpus) -> str:
    return next((t for t in corpus.doc_types if noun and stem(t) == noun), "")
