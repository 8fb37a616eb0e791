"""Evidence for a question: the units of the retrieved passages that carry what is asked.

A unit is evidence when (1) every name the question is about appears in its context (the unit,
its paragraph, its headings, its document's title), (2) it carries the kind of value asked for (a
date for "when", a number next to the counted noun for "how many") and (3) it holds the asked
words, or something close in meaning. Units are ranked by meaning (their stored vectors against
the query's) and by how much of the question they hold.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from folio.answers.question import Kind, willing
from folio.answers.text import (
    AMOUNT,
    BROADER,
    CURRENT,
    DATE,
    DEGREES,
    FIRST_PERSON,
    JOB,
    MONTH,
    NUMBER,
    ORDER,
    SINCE,
    WHICH_NOUN,
    YEAR,
    acronyms,
    covers,
    heading_stems,
    idioms,
    kind_words,
    named_kinds,
    siblings,
    stem,
    stems,
    with_kinds,
    words,
)
from folio.answers.units import split_sentences

if TYPE_CHECKING:
    from folio.answers.corpus import Corpus
    from folio.answers.question import Question
    from folio.answers.units import Unit
    from folio.index import Snapshot

# A length of time: "9 weeks", "3h", "Eight-plus years", "two-year" (not "hundreds", nor a rate:
# "2 days/week").
DURATION = re.compile(
    rf"\b(?:\d+(?:[.,]\d+)?\s*(?:ms|s|h)|{AMOUNT}(?:\+|-plus| plus)?(?:\s+|\s*-\s*|(?<=\d))"
    r"(?:milliseconds?|secs?|seconds?|mins?|minutes?|hrs?|hours?|days?|weeks?|months?|years?))\b"
    r"(?!\s*(?:/|per\b|an?\s+(?:day|week|month|year)\b))",
    re.IGNORECASE,
)
# Quantities whose value is an amount of money: a number alone ("3 budgets") does not answer them.
_MONEY = frozenset(
    ("cost", "pric", "budget", "salari", "fee", "revenu", "monei", "spend", "paid", "fund", "invest", "valuation")
)
_MONEY_AMOUNT = re.compile(
    r"[£$€¥]\s*\d|\b(?:usd|eur|gbp|sek|nok|dkk|chf|us\$)\s*\d|\d\s*(?:[£$€¥]|(?:k|m|bn)?\s*(?:usd|eur|gbp|sek|nok|dkk|chf|pounds?|dollars?|euros?|kr)\b)",
    re.IGNORECASE,
)
_PERSON = re.compile(r"\b[A-Z][a-zà-ÿ]+(?:[ -][A-Z][a-zà-ÿ]+)+")
_FIGURE = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?%?(?![\w.])")
# Words that put a thing in mind, not in fact: a line with them says neither yes nor no.
_HEDGE = re.compile(
    r"\b(?:thought about|thinking about|considered|considering|would (?:like|love)|plan(?:ning)? to|hope to|"
    r"might|maybe|perhaps|someday|one day)\b",
    re.IGNORECASE,
)
_BORN = stem("born")
_BESIDE = 5  # words
_BIRTHDAY = re.compile(r"\bbirthdays?\b", re.IGNORECASE)
# A day of a month: "14 March", "March 14th", "14.03.1991", "1991-03-14".
_DAY = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}|\b{MONTH}\s+\d{{1,2}}\b(?!\d)|"
    r"\b\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2}\b|\b(?:19|20)\d{2}-\d{2}-\d{2}\b",
    re.IGNORECASE,
)
_COMPLETION = frozenset((stem("finish"), stem("graduate")))
UNFINISHED = re.compile(r"\b(?:in progress|ongoing|not (?:yet )?(?:finished|completed))\b|\(expected\)", re.IGNORECASE)
# A label standing as a line: a capitalised word or two, no figures, no sentence's end.
# (Not two names, a signature's "Dominic Ashgrove".)
_LABEL_LINE = re.compile(r"[A-Z][A-Za-z]+(?: (?:&|and|of) [A-Z][a-z]+)?(?: \([a-z]+\))?")
_KIN_BORN = re.compile(
    r"\b(daughter|son|child|children|baby|brother|sister|twins?|wife|husband|partner|mother|father|niece|nephew)"
    r"s?\b[^.;]{0,20}\b(?:was|were|is) born\b",
    re.IGNORECASE,
)
_PREPOSITIONS = frozenset(("for", "to", "in", "on", "at", "of", "from", "by", "with", "as", "into", "about"))
_NEGATIONS = frozenset(("not", "no", "never", "none", "without", "don't", "doesn't", "isn't", "won't", "nor"))
_ANAPHORA = ("That ", "This ", "These ", "Those ", "It ", "They ", "Both ", "The two ")
# Words that name the kind of answer rather than what it is about.
# "When did she start / leave / join": the documents give when as a range ("2018 – 2022").
_BECOME = stem("become")
_SPAN_WORDS = frozenset(("start", "begin", "began", "join", "leav", "left", "quit", "end", "finish"))
_TYPE_WORDS = {
    # (And its place in time: "When is her next talk?" asks a date, of no "next".)
    Kind.DATE: frozenset(("dat", "year", "month", "day", "long", "tim", "next", "upcom", *_SPAN_WORDS)),
    Kind.NUMBER: frozenset(("number", "mani", "much", "total", "count")),
    Kind.PERSON: frozenset(("peopl", "someon", "nam")),
    # (And where a thing was "held" or "hosted": "Where was that held?" of a talk.)
    Kind.PLACE: frozenset(("plac", "bas", "base", "locat", "citi", "town", "countri", "region", "hold", "host")),
}
# Semantic closeness at which a unit is evidence though it shares none of the asked words.
CLOSE = 0.55
# The share of the asked words (weighted by rarity) a unit and its headings must hold.
_HELD = 0.3
_RELATED = 0.3
# Qualities a visitor asks "how ..." about that any line on the named thing answers.
_GENERIC_DEGREES = frozenset(("good", "skil", "experienc", "strong", "profici", "fluent", "familiar", "comfort"))
_LEVEL_WORDS = _GENERIC_DEGREES | frozenset(stem(w) for w in ("level", "well", "proficiency", "speak"))
# Verbs of having handled a thing: "used", "worked with", "has experience of".
_HANDLED = frozenset(("use", "used", "using", "work", "career", "familiar", "know", "known", "tri", "touch", "handl"))
_MONTH_YEAR = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}\b", re.IGNORECASE)
# A date to the month: "March 2023", "14 March", "2023-03".
_MONTH = re.compile(
    _MONTH_YEAR.pattern + r"|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\b\d{4}-\d{2}\b",
    re.IGNORECASE,
)
# Verbs that ask nothing the noun does not: "What data did it use?".
USE = frozenset(("use", "used", "using"))
# "What grade did it get?", "What was her final mark?", "Which classification ...".
_ASKS_GRADE = re.compile(
    r"^(?:what|which)\s+(?:(?:was|is|were)\s+(?:[\w'-]+\s+){0,3}?)?(?:final\s+|overall\s+)?"
    r"(?:grade|mark|classification|result)s?\b",
    re.IGNORECASE,
)
_GRADE_VALUE = re.compile(
    r"\b\d{1,3}(?:[.,]\d{1,2})?\s*/\s*\d{1,3}\b|\b(?:summa|magna)?\s*cum laude\b|\bwith (?:high )?distinction\b|"
    r"\bdistinction\b|\bmerit\b|\bfirst[- ]class\b|\b(?:upper|lower) second\b|\b2[:.][12]\b|\bsobresaliente\b|"
    # (A letter grade in capitals after its word: "Grade: A-", not the "e" of "Market".)
    r"\bnotable\b|\bhonou?rs\b|\bpass(?:ed)?\b|\b(?:grade|mark|gpa|score|average)(?:e?d)?\b\s*:?\s*(?:(?-i:[A-F])[+-]?(?!\w)|\d)",
    re.IGNORECASE,
)
_GRADE = stem("grade")
# The words that ask for a grade: "What was his overall result for the MSc?" asks for its class.
_GRADE_WORDS = frozenset((_GRADE, stem("result")))
_SCALE = re.compile(r"\b(?:scale|scheme|legend|bands?)\b", re.IGNORECASE)
# A band of marks, "60-69%" (not a date's "02-28", nor "26/30 - 6 ECTS").
_BAND = re.compile(r"(?<![\d/-])\b(\d{1,3})\s*[-–]\s*(\d{1,3})\b(?![-/]\d)")
_PERCENT = re.compile(r"\b\d{1,3}(?:[.,]\d{1,2})?\s?%")
# A grade under a "Grade:" key: "A-", "17", "B+ (distinction)"; not "IP" (in progress) nor "--".
_KEYED_GRADE = re.compile(r"\s*(?:[A-F][+-]?\b|\d)")
_GRADE_KEYS = frozenset(stem(w) for w in ("grade", "mark", "result", "score", "classification", "gpa"))
_ROLE = stem("role")
_WANTS = re.compile(
    r"\b(?:would like|'d like|want|wish|prefer|looking for|open to|interested in|happy to|keen on)\b", re.IGNORECASE
)
_FIRST = frozenset(stem(w) for w in ("start", "first", "initial", "original"))
_JOINED_AS = re.compile(r"\b(?:joined|started|hired|began|came in|signed on)\s+(?:\w+\s+)?as\b", re.IGNORECASE)
STUDY = stem("study")
# A school by its name: "University of East Mercia", "Conservatoire de musique de Sherbrooke",
# "Saarland University".
_SCHOOL_NAME = re.compile(
    r"\b(?:Universit[a-zàéäy]+|College|Conservato[a-z]+|Institute|School|Academy|Polytechnic|Hochschule|École)"
    r"\s+(?:of|de|di|du|des|der|für|for)\s+\w|\b[A-Z][\w'-]+\s+(?:University|College|Institute|Polytechnic)\b"
)
_SCHOOLS = frozenset(
    stem(w)
    for w in ("university", "college", "institute", "school", "polytechnic", "academy", "conservatory", "conservatoire")
)
# "What's the weather like ...?", "What is Merritt's h-index?": the noun asked for, the last word
# before "like", a preposition or the end ("What is Ada's current job?": "job").
_WHAT_THE = re.compile(
    r"^(?:what|which)(?:'s|\s+is|\s+was|\s+are|\s+were)\s+(?:the|his|her|their|its|[\w-]+'s)\s+"
    r"(?:[\w-]+\s+){0,2}?([\w-]+)(?=\s+(?:like|in|at|of|for|on|from|during|with|this|these)\b|\s*[?.!]*$)",
    re.IGNORECASE,
)
# Keys whose values are times: "Expires: never" says when it expires, even with no date.
_TIME_KEYS = frozenset(
    stem(w) for w in ("date", "start", "end", "expire", "issued", "since", "until", "year", "from", "valid", "period")
)
_HONOURS = frozenset(
    stem(w) for w in ("award", "prize", "honour", "honor", "medal", "scholarship", "grant", "fellowship")
)
_DONE = frozenset(stem(w) for w in ("give", "gave", "given", "deliver", "delivered", "do", "done", "did", "held"))
_WON = frozenset(stem(w) for w in ("won", "win", "received", "receive", "earned", "earn", "awarded", "got", "get"))
_PRICE = re.compile(r"[£$€¥]\s?\d[\d,.]*")
_CLAUSE_END = re.compile(r"(?<=[.;!?])\s+")
_RANGE = re.compile(r"\d+\s*[-–]\s*\d+")
# From one date to another: "Sep 2019 - Feb 2022", "2014-03 to 2016-12" (not two dates of a story).
_DATE_RANGE = re.compile(
    rf"(?:{DATE.pattern})(?:[-/.]\d{{1,2}})?\s*(?:[-–—]+|\bto\b|\buntil\b|\btill\b)\s*(?:{DATE.pattern})", re.I
)
# A field whose value opens with a plain no: "Relocation: no - remote only".
_NIL_VALUE = re.compile(r"^([^:]{1,48}):\s*(?:no|none)\s*[-–—,;(]", re.IGNORECASE)
# A length of experience: "Ten years of keeping production systems boring", "8+ years of Python".
YEARS_OF = re.compile(rf"\b{AMOUNT}(?:\+|-plus)?\s+years?\s+of\b", re.IGNORECASE)
# A question for a place of one kind, and a place written as one.
_WHICH_PLACE = re.compile(r"\b(?:which|what) (?:city|town|country)\b", re.IGNORECASE)
_NAME = r"[A-ZÀ-Þ][a-zà-ÿ]+(?:[ -][A-ZÀ-Þ][a-zà-ÿ]+)?"
_PLACE_NAME = re.compile(rf"\b(?:in|near) {_NAME}\b|(?:,|\s[—–-])\s+{_NAME}(?=\s*(?:,|$|[(\-–—.;]))|\({_NAME}(?=,|\))")
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")
PLACE_KEYS = frozenset(
    ("citi", "town", "provinc", "stat", "countri", "region", "counti", "neighbourhood", "area", "locat")
)
# Questions one field can answer: "What was the thesis about?" by "Thesis: ...".
_VALUE_KINDS = (Kind.FACT, Kind.PERSON, Kind.PLACE)
_SHARES = frozenset(("shar", "percentag", "percent", "rate"))


@dataclass(frozen=True)
class Candidate:
    unit: Unit
    row: int
    meaning: float
    context: frozenset[str]  # the unit, its paragraph and headings: where names are looked for
    held: frozenset[str]  # the unit and its headings: where the asked words are looked for
    own: frozenset[str]  # the unit alone


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    score: float
    passes: bool


def candidates(units: list[tuple[Unit, int]], snapshot: Snapshot, vector: np.ndarray) -> list[Candidate]:
    """Every unit once (the first time it is seen), with its context and meaning."""
    seen: set[str] = set()
    kept = []
    for unit, row in units:
        if unit.text not in seen:
            seen.add(unit.text)
            kept.append((unit, row))
    if not kept:
        return []
    meaning = snapshot.unit_vectors([u.embed_text for u, _ in kept]) @ vector.astype(np.float32)
    blocks: dict[tuple[int, int], list[str]] = {}
    # A block's opening lines, before its list: the entry its items and fields are of
    # ("**03/2008 – 08/2014** — Ingeniería ..." / "Universidad ... (UTFSM)" over "- Final grade: 6.1").
    openings: dict[tuple[int, int], list[str]] = {}
    for unit, row in units:
        blocks.setdefault((row, unit.block), []).append(unit.text)
        opening = openings.setdefault((row, unit.block), [])
        if unit.kind == "sentence" and len(opening) + 1 == len(blocks[(row, unit.block)]):
            opening.append(unit.text)
    out = []
    for (unit, row), sim in zip(kept, meaning.tolist(), strict=True):
        if unit.kind == "sentence":
            block = " ".join(dict.fromkeys(blocks[(row, unit.block)]))
        else:
            block = " ".join((*openings[(row, unit.block)], unit.text)) if unit.kind in ("item", "pair") else unit.text
        out.append(Candidate(unit, row, float(sim), *_facts(unit, block)))
    return out


@lru_cache(maxsize=32768)
def _facts(unit: Unit, block: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """What a unit holds, the same for every question: its context, its own and headings' words."""
    around = " ".join((block, *unit.path))
    own = with_kinds(stems(unit.text)) | named_kinds(unit.text)
    held = own | with_kinds(frozenset().union(*map(heading_stems, unit.path))) | acronyms(unit.text)
    return frozenset(held | stems(around) | acronyms(around)), frozenset(held), frozenset(own)


# What a question about the length of a whole career may say besides the career.
_TENURE_WORDS = frozenset(("year", "professional", "total", "overall", "industry"))


class Judge:
    """Scores candidates for one question against one corpus."""

    def __init__(
        self,
        question: Question,
        corpus: Corpus,
        *,
        entities: tuple[str, ...] | None = None,
        topic: tuple[str, ...] = (),
        around: frozenset[tuple[str, tuple[str, ...], frozenset[str]]] = frozenset(),
    ) -> None:
        """`topic`: the names an earlier turn was about; `around`: where its answer's lines came
        from (document, headings, the line's words), which is about them wherever it names them:
        the whole document, the section whose heading names them (one project of a page of
        projects), or the section of a line that names them itself (one degree's record of two)."""
        self.question = question
        self.corpus = corpus
        self.topic = frozenset(topic) - set(question.entities)
        self.around = around
        asked = question.entities if entities is None else entities
        self.entities = tuple(e for e in asked if e != question.quantity)
        type_words = _TYPE_WORDS.get(question.kind, frozenset())
        # "the Gannet module": "module" says what Gannet is, not what is asked about it. A noun
        # the records hold as a field is what "What was her PhD thesis about?" asks, though: the
        # "Thesis:" (who supervised it asks the "Supervisor:").
        type_words = type_words | {
            noun
            for name, noun in question.heads
            if name in asked
            and corpus.describes(name, noun)
            and not (question.kind is Kind.FACT and noun in corpus.all_keys)
        }
        # "her undergraduate degree": "degree" only repeats what "undergraduate" says.
        type_words = type_words | {BROADER[t] for t in question.terms if t in BROADER}
        if question.duration:
            # "how long did it last / take", "which job did she hold longer"
            type_words = type_words | {"last", "tak", "longer", "longest", "hold", "stai", "spend"}
        if question.kind is Kind.YESNO and asked:
            type_words = type_words | _HANDLED  # "Has she used Unity?": any line naming Unity
        if question.level:
            type_words = type_words | _LEVEL_WORDS  # "What level is her Spanish?": any line on her Spanish
        self.type_words = type_words
        self.graded = bool(_ASKS_GRADE.match(question.text))
        # "Where was his 2021 paper published?": the year names which one (not a date asked for).
        dated = question.kind in (Kind.DATE, Kind.YESNO) or question.duration
        # (A year of its own, not a part of a code: "INC-2025-0917".)
        self.years = frozenset() if dated else frozenset(w for w in words(question.text) if YEAR.fullmatch(w))
        self.span = question.kind is Kind.DATE and bool(_SPAN_WORDS & set(question.terms))
        # "the Kestrel-Cal team": "kestrel" and "cal" are the name's parts, not what is asked.
        named = {*question.entities, *(stem(part) for e in question.entities for part in e.split("-"))}
        attribute = [t for t in question.terms if t not in named and t not in type_words and corpus.known(t)]
        # "What data did it use?", "Has she worked at a lab?": the verb asks nothing the noun does not.
        light = USE | _HANDLED if question.kind is Kind.YESNO else USE
        # Verbs that ask nothing the noun does not: "Which paper won an Outstanding Paper Award?"
        # asks for the award ("2017 Outstanding Paper Award, EMNLP 2017, for ..."); "How many
        # talks has she given?" for the talks ("7 conference/meetup talks since 2017").
        won = _WON if set(question.terms) & _HONOURS else frozenset()
        self.idle = won | (_DONE if question.count and question.quantity else frozenset())
        attribute = [t for t in attribute if t not in self.idle]
        self.attribute = tuple(t for t in attribute if t not in light) or tuple(attribute)
        # "How much experience does she have overall?": the length of a whole career, of nothing named.
        # So does "How many years of professional experience does she have?".
        self.tenure = (
            question.kind is Kind.NUMBER
            and question.quantity in ("", "year")
            and not self.entities
            and bool(set(self.attribute) & JOB)
            and set(self.attribute) <= JOB | _TENURE_WORDS
        )
        self.weights = {t: corpus.weight(t) for t in self.attribute}
        self.variants = {t: corpus.extensions(t) | _doer_of(t, corpus) for t in self.attribute}
        # Asked words the documents never use still count against every line ("a poem about
        # cats" is not answered by a line about writing), except how much of a named thing; an
        # unknown number counts half (a phone number typed into a question is not what it asks).
        unknown = [
            0.5 if t.replace("-", "").isdigit() else 1.0
            for t in question.terms
            if t not in question.entities and t not in type_words and t not in self.idle and not corpus.known(t)
        ]
        degree = question.text.lower().startswith("how ") and bool(self.entities)
        average = sum(self.weights.values()) / len(self.weights) if self.weights else 1.0
        self.total = sum(self.weights.values()) + (0.0 if degree else average * sum(unknown))

    def absent(self) -> list[str]:
        """What the question names or asks that the corpus never mentions.

        Asked words count when none of them is known: "date of birth", "the CEO of ...". A date or
        a number names its attribute by its kind, so "When did she leave Corvid?" stands on the
        name alone (the documents give date ranges, not the word "left").
        """
        q = self.question
        type_words = self.type_words
        names = [e for e in self.entities if not self.corpus.known(e)]
        asked = [t for t in q.terms if t not in q.entities and t not in type_words and t not in self.idle]
        # (A grade is asked by its kind: a transcript gives "26/30", never the word "grade".)
        unknown = [t for t in asked if not self.corpus.known(t) and not (self.graded and t in _GRADE_WORDS)]
        typed_by_name = q.kind in (Kind.DATE, Kind.NUMBER) and len(names) < len(self.entities)
        # "How good is her TypeScript?": the name is the topic, the adjective asks how much of it.
        degree = q.text.lower().startswith("how ") and len(names) < len(self.entities)
        # Words that only place the asked thing in time ("today", "first") ask nothing on their own.
        everything_unknown = asked and set(unknown) >= set(asked) - ORDER - {"current"}
        # "the rowing club": a thing the documents never name, of a kind they do ("rowing").
        unnamed = [
            noun
            for word, noun in q.compounds
            if noun in unknown
            and self.corpus.known(word)
            and not noun.isdigit()
            and noun not in q.entities
            and noun not in BROADER.values()  # "a master's degree": the kind, not a thing
            and noun != q.list_noun  # "which orchestration tools": what is listed
        ]
        # "Which high school did she go to?": a kind of school the documents never speak of.
        unnamed += [
            word
            for word, noun in q.compounds
            if noun in _INSTITUTIONS and word in unknown and word.isalpha() and word not in q.entities
        ]
        # "Does he have a driving licence?": of a kind the documents name ("License: MIT"), not that one.
        unnamed += [
            word
            for word, noun in q.compounds
            if q.kind is Kind.YESNO and word in unknown and word.isalpha() and word not in q.entities
        ]
        if everything_unknown and not typed_by_name and not degree:
            return names + unknown
        # "Who supervised her thesis?": the documents never speak of supervising; "What grade did
        # he get for his thesis?": of grades.
        which = WHICH_NOUN.match(q.text) or _WHAT_THE.match(q.text)
        first = bool(asked) and (q.kind is Kind.PERSON or (which is not None and stem(which.group(1)) == asked[0]))
        # (Known only as a part of a word is unknown: "What car does she drive?" of "Car-VAL-yo".)
        part = first and which is not None and asked[0] in self.corpus.parts_only
        relation = [asked[0]] if first and (asked[0] in unknown or part) else []
        if typed_by_name:
            # "What's her IELTS score?": a number on a line naming IELTS gives it, whatever the
            # line calls it ("Overall: 7.5").
            unnamed = [t for t in unnamed if t != q.quantity]
            relation = [t for t in relation if t != q.quantity]
        return names + unnamed + relation

    def asks_job(self) -> bool:
        """Whether her jobs are asked about ("the work she is not interested in" is none of them, nor
        are "the roles she is open to")."""
        return bool(JOB & set(self.attribute)) and not self.question.negated and not self.question.willing

    def score(self, c: Candidate) -> Scored:
        q = self.question
        own_terms, held_terms = c.own, c.held
        if c.unit.text in self.corpus.positions:
            # A work-history entry is a job, its role and employer, with its place in time.
            job = JOB | ORDER | ({"current"} if CURRENT.search(self.corpus.told(c.unit.text)) else set())
            own_terms, held_terms = own_terms | job, held_terms | job
        own = sum(w for t, w in self.weights.items() if self._holds(own_terms, t)) / self.total if self.total else 0.0
        held = sum(w for t, w in self.weights.items() if self._holds(held_terms, t)) / self.total if self.total else 1.0
        named = all(
            mentions(c.context, e) or e in self.corpus.letterhead(c.row) or (e in self.topic and self._around(c))
            for e in self.entities
        )
        score = c.meaning + 0.5 * own + 0.25 * held
        quoted = any(
            source == self.corpus.sources[c.row] and path in (c.unit.path, (*c.unit.path, c.unit.text))
            for source, path, _ in self.around
        )
        if quoted and not self.topic:
            score += 0.15  # "When did she graduate?" after the conservatory: the section just quoted
        if under_negation(c.unit):
            score += 0.15 if q.negated else -0.25
        # (A PDF's heading is a line of its own: "Teaching", "Publications (selected)".)
        label = c.unit.kind == "sentence" and bool(_LABEL_LINE.fullmatch(c.unit.text))
        informative = (c.unit.kind != "heading" or informative_heading(c.unit.text)) and not label
        # A question answers nothing ("Are there things you won't work on?"); its answer may (a
        # yes or no is read from the answer that follows it).
        informative = informative and (q.kind is Kind.YESNO or not c.unit.text.rstrip().endswith("?"))
        typed = self._graded(c) if self.graded else self._typed(c)
        # "Does she have any experience with Azure?": a line naming Azure itself settles it.
        # So does a date or a number on a line naming what was asked about ("PyData Delta 2023 ...
        # (8 June 2023)"): the kind of value is checked on its own.
        # So does a grade on a line naming the course ("Functional Analysis (MAT/05): 26/30"), or
        # in an entry that does ("BA in Linguistics, ... Final average 9.1/10.").
        graded = self.graded and typed
        names_itself = (
            (q.kind in (Kind.YESNO, Kind.DATE, Kind.NUMBER) or graded)
            and bool(self.entities)
            and all(e in c.own for e in self.entities)
            # "How much power does Gannet draw?": a number on a line naming Gannet is not its
            # power draw when the documents use the asked words elsewhere.
            and (q.kind is not Kind.NUMBER or held > 0 or not self.weights or graded)
        ) or (graded and bool(self.entities))
        if self.tenure:
            # "How much experience does she have?": "Ten years of keeping production systems
            # boring" answers it; a line with some other number does not.
            names_itself = bool(YEARS_OF.search(c.unit.text))
            typed = typed and names_itself
        close = c.meaning >= CLOSE and (held > 0 or not self.total)
        # A line holding only part of the asked words must also be about the question in meaning
        # ("Write me a poem about cats" is not answered by "Writing design docs").
        partly = held >= _HELD and (held >= 0.5 or c.meaning >= _RELATED)
        if q.kind is Kind.YESNO and self.entities and not self.weights:
            partly = close = False  # "Has she used Rust?" asks only for a line naming Rust itself
        passes = named and typed and informative and (partly or close or names_itself)
        passes = passes and not self._contradicts(c) and self._has_degree(c) and not self._someone_elses(c)
        passes = passes and self.years <= c.context
        if q.kind is Kind.LIST:
            # "Which customers ... use the platform?": a line of customers, not one about the platform.
            listed = not q.list_noun or q.list_noun not in self.weights or self._holds(c.held, q.list_noun)
            passes = passes and listed and not any(t in c.own for t in q.excluded)
        return Scored(c, score + self._shape(c, typed), passes and not self._vetoed(c))

    def _vetoed(self, c: Candidate) -> bool:
        """Whether a line that holds the asked words still says something else than was asked."""
        q = self.question
        if not q.negated and q.kind is not Kind.YESNO and settles(c.unit.text, self.attribute) == "No":
            return True  # "not interested in management" is no answer to "what interests her"
        if q.willing and self._done_only(c):
            return True  # "In 2019 I moved to Berlin" says nothing of whether she would move now
        # "How many downloads in 2025 alone?": not the all-time "Downloads: ~45k".
        return q.kind is Kind.NUMBER and not self._in_years(c)

    def _in_years(self, c: Candidate) -> bool:
        """Whether a line (with its headings) takes in every year the question names."""
        said = " ".join((c.unit.text, *c.unit.path))
        return all(covers(said, int(t)) for t in self.question.terms if YEAR.fullmatch(t))

    def _around(self, c: Candidate) -> bool:
        source = self.corpus.sources[c.row]
        # (Where a line of the answer names the topic itself, there: its label came with it.)
        naming = [(where, path) for where, path, said in self.around if self.topic & said]
        for where, path in naming or [(where, path) for where, path, _ in self.around]:
            if where == source:
                whole = len(path) if naming else 0
                depth = next((n + 1 for n, head in enumerate(path) if self.topic & heading_stems(head)), whole)
                if (*c.unit.path, c.unit.text)[:depth] == path[:depth]:  # (a record said: itself)
                    return True
        return False

    def _shape(self, c: Candidate, typed: bool) -> float:
        """What the line's form adds: the value itself, a range, the field of the asked name."""
        q = self.question
        score = 0.0
        if c.unit.kind == "heading" and q.kind in (Kind.FACT, Kind.SUMMARY, Kind.YESNO, Kind.LIST):
            score -= 0.15  # a heading names a topic; the lines under it say something about it
        if typed and q.kind in (Kind.DATE, Kind.NUMBER) and len(c.unit.text.split()) <= 5:
            score += 0.2  # the value itself ("14 October 2024", "Years: 7"), not a story around it
        score += self._span_shape(c) + self._field_shape(c, typed)
        if q.kind is Kind.PLACE and set(q.terms) & c.own & _TYPE_WORDS[Kind.PLACE]:
            score += 0.2  # "Which city is she based in?": "... engineer based in Edinburgh, Scotland"
        answers_it = (
            c.unit.kind != "heading"
            and c.unit.path
            and c.unit.path[-1].endswith("?")
            and self.attribute
            and set(self.attribute) <= heading_stems(c.unit.path[-1])
        )
        if answers_it and q.kind is Kind.YESNO:
            score += 0.5  # "Would you relocate?" "No, not before 2027.": the answer to the question asked
        elif (answers_it or self._headed_by_it(c)) and self.corpus.openings.get(c.unit.path) == c.unit.text:
            # "Which industries won't she work in?" - "Is there anything you won't work on?"
            # "Crypto and ad-tech.": the answer's opening says it. So does a section's headed by
            # what is asked ("What was the root cause?" - "## Root cause").
            score += 0.3
        if q.kind is Kind.YESNO and self.entities and c.unit.kind != "pair":
            # "Does he have a PhD?": an entry "PhD in Epidemiology, University of ...", not "after the PhD".
            opening = {stem(w) for w in words(c.unit.text)[: len(self.entities)]}
            score += 0.3 if set(self.entities) <= opening else 0.0
        score += self._entry_shape(c)
        if q.change and _CHANGE.search(c.unit.text):
            score += 0.3  # "by how much did it improve": a line with the before and the after
        elif q.change and len(_FIGURE.findall(DATE.sub(" ", c.unit.text))) >= 2:
            score += 0.1  # (two figures, which may be the before and the after)
        return score

    def _headed_by_it(self, c: Candidate) -> bool:
        """Whether the line's section is headed by just what a question asks for ("Root cause")."""
        asked = set(self.attribute)
        return (
            self.question.kind is Kind.FACT
            and len(asked) >= 2
            and bool(c.unit.path)
            and (heading_stems(c.unit.path[-1]) == asked)
        )

    def _graded(self, c: Candidate) -> bool:
        """ "What grade did his BA thesis receive?": a grade ("9.1/10", "summa cum laude", "Grade:
        A") in a sentence that names what was graded, under its headings or its entry's opening
        ("BA in Linguistics, ..." then "Final average 9.1/10."); not the thesis's title, nor the
        degree's grade beside it ("BSc Biochemistry ..., final grade 17/20" is no grade in organic
        chemistry)."""
        unit = c.unit
        graded = {t for t in (*self.attribute, *self.entities) if t not in _GRADE_WORDS}
        # (An item is an entry of its own; a paragraph's sentences are one entry.)
        block = [loc.unit for loc in self.corpus.by_row.get(c.row, ()) if loc.unit.block == unit.block]
        entry = unit if unit.kind != "sentence" else block[0]
        opening = stems(split_sentences(entry.text)[0]) if entry.kind in ("sentence", "item") else frozenset()
        if block and block[0].kind == "sentence" and unit.kind in ("item", "pair"):
            # (A list under its entry's lines is the entry's: "**03/2008 – 08/2014** — ..." /
            # "Universidad ... (UTFSM)" / "- Final grade: 6.1 / 7.0".)
            opening |= stems(" ".join(u.text for u in block if u.kind == "sentence"))
        # (The letterhead too: a certificate's "Final weighted grade: 93.4%" is of its academy.)
        around = opening | self.corpus.letterhead(c.row) | frozenset().union(*map(heading_stems, unit.path))
        for sentence in split_sentences(unit.text):
            bands = [(int(low), int(high)) for low, high in _BAND.findall(sentence)]
            if _SCALE.search(unit.key) or sum(low < high for low, high in bands) >= 2:
                continue  # the grades a scale gives ("Marking scale: 70% and above First Class; 60-69% ..."), none hers
            held = stems(sentence) | around
            if not all(self._holds(held, t) if t in self.variants else mentions(held, t) for t in graded):
                continue
            pairs = [(unit.key, unit.text.partition(": ")[2])] if unit.key else fields(sentence)
            keyed = [value for key, value in pairs if _GRADE_KEYS & stems(key)]
            # (A percentage in a sentence of marks: "Her highest mark is in CS7210 ... (81%)".)
            marked = bool(_PERCENT.search(sentence)) and bool(_GRADE_KEYS & stems(sentence))
            if _GRADE_VALUE.search(sentence) or marked or any(_KEYED_GRADE.match(value) for value in keyed):
                return True
        return False

    def _entry_shape(self, c: Candidate) -> float:
        """What the line adds as the entry asked about: the role one wants, the one first held, a
        degree with its school."""
        q, asked = self.question, set(self.attribute)
        if q.willing and q.kind is not Kind.YESNO and _WANTS.search(c.unit.text):
            return 0.25  # "What roles is she open to?": "What I'd like next is a staff ... role"
        if _ROLE in asked and asked & _FIRST and _JOINED_AS.search(c.unit.text):
            return 0.3  # "What position did she start with?": "Joined as Junior Data Engineer"
        degree = q.kind is Kind.YESNO and asked & DEGREES and _SCHOOLS & c.own
        if degree or (q.kind is Kind.PLACE and STUDY in asked and _SCHOOL_NAME.search(c.unit.text)):
            # "Does she have a master's?", "Where did he study pharmacy?": the entry of the degree
            # with its school ("Institution: Università degli Studi di Torino; ... Study type:
            # Master"), not a rule about masters nor a transcript's "Period of study".
            return 0.3
        if q.kind is Kind.FACT and STUDY in asked and asked & DEGREES and DEGREES & stems(c.unit.key):
            return 0.3  # "What did he study for his master's?": the record's "Degree: MSc Software Engineering"
        return 0.0

    def _span_shape(self, c: Candidate) -> float:
        """What a line's dates add when a start (or an end) is asked."""
        score = 0.0
        if self.span and (_DATE_RANGE.search(c.unit.text) or SINCE.search(c.unit.text)):
            score += 0.2  # "when did she start and leave": a line with the range,
            score += 0.1 if _MONTH_YEAR.search(c.unit.text) else 0.0  # to the month if it says
        asked = {t for t in self.attribute if t != _BECOME}
        if self.question.kind is Kind.DATE and _BECOME in self.question.terms and asked <= c.own:
            # "When did she become an engineering manager?": the entry of that title, by its dates.
            score += 0.2 if asked and c.unit.text in self.corpus.positions else 0.0
        return score

    def _field_shape(self, c: Candidate, typed: bool) -> float:
        """What a record's field adds when it is the one asked for."""
        q = self.question
        if c.unit.kind not in ("pair", "row"):
            return 0.0
        if self.graded and typed and c.unit.kind == "pair" and _GRADE_KEYS & stems(c.unit.key):
            return 0.2  # "What was his overall result?": "Final classification: ... with Merit"
        asked, key = set(self.attribute), stems(c.unit.key)
        if q.kind in _VALUE_KINDS and c.unit.kind == "pair" and asked & key and asked <= key | c.held:
            # "What was the thesis about?": "Thesis: Energy-Aware Background Sync ...", more than
            # another field of it ("Thesis grade: 17.5/20"); "her bachelor's dissertation": the
            # "Final-year dissertation:" of the bachelor's degree.
            return 0.35 if key == asked else 0.2
        if q.kind is Kind.DATE and not self.entities and c.unit.kind == "pair" and set(q.terms) & _SPAN_WORDS & key:
            # "When could he start?": "Earliest start date: 1 February 2027" (of no named project's
            # "Started: January 2023" when asked when she joined Brackenlight).
            return 0.35
        # (Or a field of a section so named: "Location" > "City: Lyon".)
        labels = key | (heading_stems(c.unit.path[-1]) if c.unit.path else frozenset())
        if q.kind is Kind.PLACE and c.unit.kind == "pair" and set(q.terms) & labels & _TYPE_WORDS[Kind.PLACE]:
            return 0.35  # "Where is she based?": "Based in: Rotterdam, Netherlands"
        if q.level and set(self.entities) <= stems(_first_field(c.unit.text)):
            return 0.35  # "What level is her Spanish?": "Spanish: C1", the row "Language: Igbo; Level: A2"
        return 0.0

    def _done_only(self, c: Candidate) -> bool:
        """A line that holds the asked words only as what was done ("moved", "relocated"), and says
        nothing of what would be."""
        said = [w for w in words(c.unit.text) if stem(w) in self.attribute]
        return bool(said) and all(w.lower().endswith("ed") for w in said) and not willing(c.unit.text)

    def _holds(self, found: frozenset[str], term: str) -> bool:
        return term in found or any(v in found for v in self.variants[term])

    def _someone_elses(self, c: Candidate) -> bool:
        """ "When was she born?": "My daughter was born in February 2023" is another person's birth
        (the one asked about in "What year was her daughter born?")."""
        kin = _KIN_BORN.search(c.unit.text) if _BORN in self.question.terms and not self.entities else None
        return kin is not None and stem(kin.group(1)) not in self.question.terms

    def _contradicts(self, c: Candidate) -> bool:
        """Asked about one of a kind, the line is about another ("bachelor's GPA" on the MSc's)."""
        # The line's own words first: "the best MSc thesis" under a "…, PhD" title is the MSc's.
        # (A name asked, too: "her Dutch B1 exam" is not answered by "I passed the A2 exams"; nor
        # the conversation's topic, by the paragraph it is in: "his PhD" by the MSc's entry.)
        return (
            any(
                (t not in c.held and siblings(t) & c.held) or (t not in c.own and siblings(t) & c.own)
                for t in self.attribute
            )
            or any(e not in c.own and siblings(e) & c.own for e in self.entities)
            or any(e not in c.context and siblings(e) & c.context for e in self.topic)
        )

    def _has_degree(self, c: Candidate) -> bool:
        """ "How accurate is it?" needs a line about accuracy (or one very close in meaning that
        gives a figure: "Built the vessel-arrival prediction pipeline" says nothing of how accurate)."""
        degree = self.question.degree
        close = c.meaning >= CLOSE and bool(NUMBER.search(DATE.sub(" ", c.unit.text)))
        return not degree or degree in _GENERIC_DEGREES or degree in c.held or close

    def rank(self, found: list[Candidate]) -> list[Scored]:
        return sorted((self.score(c) for c in found), key=lambda s: -s.score)

    def _typed(self, c: Candidate) -> bool:
        kind = self.question.kind
        if self.tenure and YEARS_OF.search(c.unit.text):
            return True  # "Ten years of ...": a length in words
        if kind in (Kind.DATE, Kind.NUMBER):
            return self._valued(c)
        text = c.unit.text
        if kind is Kind.PERSON:
            known = set(self.question.entities) | self.corpus.common | self.question.owner
            # "Who supervised her thesis?" asks for a person; "who does she work for?" an employer.
            # (Not "who is his manager at his current job?", which asks for a person at an employer.)
            employer = self.asks_job() and set(self.attribute) <= JOB | ORDER | {"current"}
            lower = self.corpus.lowercase if not employer else None
            return any(_is_new_name(name, known, lower) for name in _PERSON.findall(text))
        if kind is Kind.PLACE:
            if _WHICH_PLACE.search(self.question.text):
                # "In which city was it held?": a place written as one ("in Lisbon", "Valencia,
                # Spain", "(Ljubljana, SI)"), not a capitalised word of a talk's title.
                said = (_QUOTED.sub(" ", text), c.unit.heading)  # its heading may say where
                return any(_PLACE_NAME.search(t) for t in said) or bool(stems(c.unit.key) & PLACE_KEYS)
            # A name other than the asked ones: "BSc Biochemistry, University of Porto", not "My BSc"
            # nor "Hi, I'm Priya."
            terms = set(self.question.terms) | self.question.owner
            named = any(_is_name(w, terms) for w in words(text)[1:])
            return named or c.unit.kind in ("pair", "heading")
        if self.question.name_of:
            return _names_the(text, self.question.name_of, set(self.question.terms), self.corpus.lowercase)
        if self.question.named:
            # "What is the name of the Norwegian customer?": a name the question does not give.
            terms = set(self.question.terms)
            return any(_is_name(w, terms) for w in words(text)[1:])
        if c.unit.kind == "pair" and kind is Kind.FACT:
            # "What did she study?" asks what, not when: "Period of study: September 2008 to June 2012".
            return not _ONLY_DATES.fullmatch(DATE.sub(" ", text.partition(": ")[2]))
        return True

    def _valued(self, c: Candidate) -> bool:
        """Whether a line holds a value of the asked date or number."""
        record = fields(c.unit.text) if c.unit.kind in ("pair", "row") else []
        # A record's value under the asked key: "Expires: ..." for "when does it expire", not
        # its "Issued" date when this record has no expiry.
        # (Or under the asked kind's word: "When could he start?" - "Earliest start: 2026-03-01".)
        # (Or under the counted noun's: "How many students ...?" - "Students: enrolment open".)
        counted = {self.question.quantity} if self.question.kind is Kind.NUMBER else set()
        asked = set(self.attribute) | counted | (set(self.question.terms) & self.type_words)
        asked &= self.corpus.keys.get(c.unit.path, frozenset())
        if asked and record and (self.question.kind is not Kind.DATE or asked & _TIME_KEYS):
            return any(asked & stems(key) and self.value_typed(value, key) for key, value in record)
        # (A date asked of a job, "the Aberdeen job or the PhD": the row's "Years: 2015-2019",
        # not its "Employer:".)
        if self.question.kind is Kind.DATE and _BORN in self.question.terms:
            return self._birth_dated(c.unit)
        return self.value_typed(c.unit.text, c.unit.key)

    def _birth_dated(self, unit: Unit) -> bool:
        """A birth's date said beside it ("born in Nairobi in 1991"), not "Born and raised in
        Nairobi, based in Berlin since 2020"."""
        tokens = words(unit.text)
        near = [n for n, token in enumerate(tokens) if stem(token) == _BORN]
        beside = (" ".join(tokens[max(n - _BESIDE, 0) : n + _BESIDE + 1]) for n in near)
        return any(self.value_typed(text, unit.key) for text in beside)

    def value_typed(self, text: str, key: str = "") -> bool:
        """Whether a text holds a value of the asked type: a date, an amount, a count of the noun."""
        q = self.question
        if q.kind is Kind.DATE and "month" in q.terms:
            return bool(_MONTH.search(text))  # "In which month did she join?": a year is no month
        if q.kind is Kind.DATE and _BIRTHDAY.search(q.text):
            return bool(_DAY.search(text))  # "When is her birthday?": a day, not "born ... in 1991"
        if q.kind is Kind.DATE:
            return bool(DATE.search(text) or (q.duration and DURATION.search(text)))
        if q.duration:
            return bool(DURATION.search(text))
        if q.quantity in _MONEY:
            return bool(_MONEY_AMOUNT.search(text))
        return _number_about(text, key, q.quantity)


# What is left of a span of dates once its dates are gone: "September 2008 to June 2012".
_ONLY_DATES = re.compile(r"[\s,.;()–—-]*(?:(?:to|until|till|from|since|and|present|now|today)[\s,.;()–—-]*)*")


_INITIALS = re.compile(r"\s*\([A-Z][A-Za-z]{1,7}\)")


def informative_heading(text: str) -> bool:
    """A heading that states something ("... — Tidewell Health (January 2022 – present)"), not a label
    nor a name with its initials ("Certified Kubernetes Administrator (CKA)")."""
    return bool(re.search(r"\d| [—–-] |: |\(", _INITIALS.sub("", text)))


@lru_cache(maxsize=16384)
def settles(text: str, asked: tuple[str, ...], held: frozenset[str] = frozenset()) -> str:
    """ "Yes" or "No" when the line says so about what was asked, else "".

    No: a negation right before an asked word ("not looking to relocate", "please do not send
    frontend ... roles") or a nil value ("Azure years: 0"). Yes: the line holds the asked words
    and negates none of them. "I would hire her again without hesitation" settles nothing about
    whether she is available. `held`: what the line's headings add ("Certifications").
    """
    stemmed: list[str] = []
    question = False
    for sentence in _CLAUSE_END.split(text):  # "... with no code freeze. Median deploy time ..."
        tokens = [p.lower() for t in words(sentence) for p in ((t, *t.split("-")) if "-" in t else (t,)) if p]
        said = [stem(t) for t in tokens]
        if question and tokens and tokens[0] in ("yes", "no"):
            return tokens[0].capitalize()  # "Would you relocate? No. I'm staying in Winnipeg."
        question = sentence.endswith("?") and any(s in asked for s in said)
        for n, word in enumerate(tokens):
            # "I don't have a master's" says no to a degree as well as to a master's; "without"
            # only to what follows it up to a preposition ("without hesitation for any Staff role").
            scope = said[n + 1 : n + 5]
            if word == "without":
                scope = list(itertools.takewhile(lambda t: t not in _PREPOSITIONS, tokens[n + 1 : n + 5]))
                scope = said[n + 1 : n + 1 + len(scope)]
            if word in _NEGATIONS and any(s in asked or BROADER.get(s) in asked for s in scope):
                return "No"
        if _HEDGE.search(sentence):
            continue  # "I've thought about a part-time PhD" says nothing of having one
        stemmed += said
    if _says_none(text, asked):
        return "No"
    # (Not when it says the opposite too: "While working full-time I did an MSc ... part-time".)
    opposed = any(_OPPOSITE.get(part) in stemmed for t in asked for part in t.split("-"))
    if opposed and not any(part in stemmed for t in asked for part in t.split("-") if part in _OPPOSITE):
        return "No"  # "Was it full-time?" - "Mode: online, part-time"
    return "Yes" if asked and all(t in stemmed or t in held for t in asked) and not opposed else ""


def _says_none(text: str, asked: tuple[str, ...]) -> bool:
    """A nil value ("Azure years: 0", "Relocation: no - Winnipeg-based ..."), or what was asked
    done not yet ("Did she finish her master's?" - "In progress. 4 of 8 modules completed")."""
    if re.search(r":\s*(?:0|no|none)\s*$", text, re.IGNORECASE):
        return True
    if set(asked) & _COMPLETION and UNFINISHED.search(text):
        return True
    nil = _NIL_VALUE.match(text)
    return bool(nil and stems(nil.group(1)) & set(asked))


_OPPOSITE = {stem("full"): stem("part"), stem("part"): stem("full")}  # full-time and part-time


def mentions(context: frozenset[str], name: str) -> bool:
    """A name among a line's words, or inside a longer hyphenated one ("haptic-garden" in
    "react-native-haptic-garden")."""
    if name in context:
        return True
    # "haptic-garden" inside "the-haptic-garden"; "5th-year" written "5th year".
    return "-" in name and (
        any(f"-{name}-" in f"-{word}-" for word in context if "-" in word)
        or all(stem(part) in context for part in name.split("-"))
    )


def completes(previous: Unit, unit: Unit) -> bool:
    """A sentence that leans on the one before it ("That migration cut costs by 31%", "Maya's first
    conference talk.")."""
    leans = unit.text.startswith(_ANAPHORA) or (unit.kind == "sentence" and len(unit.text.split()) < 6)
    # An FAQ's answer leans on its question: "Would you relocate?" "No. I'm staying in Winnipeg."
    answers = previous.text.endswith("?") and not unit.text.endswith("?")
    return (leans or answers) and previous.block == unit.block and previous.kind == unit.kind


# A before and an after: "from 6.2 s to 1.8 s", "95 µA (down from 480 µA)", "3 → 11 people".
_CHANGE = re.compile(
    r"\bfrom\s+[^\s;]*\d[^;]{0,40}?\bto\b\s+(?:under\s+|about\s+)?[^\s;]*\d|\d[^;]{0,20}?\b(?:down|up) from\s+[^\s;]*\d"
    r"|\d\s*(?:→|->)\s*\d",
    re.IGNORECASE,
)
# A month or a day as written, whole: "March", "Sept", "Mon" ("Marrok" is a name).
_MONTH_OR_DAY = re.compile(
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|"
    r"nov(?:ember)?|dec(?:ember)?|(?:mon|tues|wednes|thurs|fri|satur|sun)day)",
    re.IGNORECASE,
)
_CALENDAR = re.compile(
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*|(?:mon|tues|wednes|thurs|fri|satur|sun)day",
    re.IGNORECASE,
)


def _is_name(word: str, asked: set[str]) -> bool:
    """A capitalised word that names something the question did not: not "I", not "November"."""
    return (
        word[:1].isupper()
        and stem(word) not in asked
        and not FIRST_PERSON.fullmatch(word)
        and not _CALENDAR.fullmatch(word)
    )


def _names_the(text: str, noun: str, asked: set[str], lower: frozenset[str]) -> bool:
    """Whether the line names the asked thing where it speaks of it: "the Valongo Trail Club", "a
    cat called Ohm", "Thesis: Calibrated Uncertainty ..."; not "a gym in Bonfim" (a place, not the
    gym's name), nor "Volunteer mentor, ..." (a word written in lower case elsewhere, capitalised
    where it opens the line)."""
    key, _, value = text.partition(": ")
    if value and stems(key) == {noun} and _is_name(value.strip("\"'“*_ "), asked):
        return True
    tokens = words(text)
    for n, token in enumerate(tokens):
        if stem(token) != noun:
            continue
        before = n - 1
        while before >= 0 and tokens[before][:1].isupper() and stem(tokens[before]) in asked:
            before -= 1  # "Valongo Trail Club": past the asked words written as part of the name
        # The name right before the noun, in one phrase ("Trial: Customer acceptance" names no customer).
        joined = before >= 0 and re.search(rf"{re.escape(tokens[before])}[\w\s'’&-]*?{re.escape(token)}", text)
        opening = before == 0 and stem(tokens[0]) in lower
        if before >= 0 and before < n and _is_name(tokens[before], asked) and joined and not opening:
            return True
        after = tokens[n + 1 : n + 3]
        if len(after) == 2 and after[0].lower() in ("called", "named") and _is_name(after[1], asked):
            return True
    return False


def _first_field(text: str) -> str:
    """What a record is of: its key ("Spanish: C1"), or its first value ("Language: Igbo; ...")."""
    found = fields(text)
    if not found:
        return ""
    key, value = found[0]
    return value if len(found) > 1 else key


def fields(text: str) -> list[tuple[str, str]]:
    """A record's "Key: value" fields."""
    parts = [part.partition(": ") for part in text.split("; ")]
    return [(key, value) for key, sep, value in parts if sep]


def under_negation(unit: Unit) -> bool:
    """Whether a line's headings or key deny what it lists ("Not interested in", "Do not contact about")."""
    labels = [label for label in (*unit.path[1:], unit.key) if not idioms(label)]
    return bool(re.search(r"\bnot\b", " ".join(labels).lower()))


def _doer_of(term: str, corpus: Corpus) -> frozenset[str]:
    """What a doer does, in the documents' words: "freelancer" is "freelance", "developer" is
    "develop" (not "engineer", "engine")."""
    if len(term) < _DOER_LETTERS or not term.endswith("er") or term.endswith("eer"):
        return frozenset()
    return frozenset(w for w in (term[:-1], term[:-2]) if corpus.known(w))


_DOER_LETTERS = 7


# What a number measures rather than counts: it is the value, never next to its noun.
_MEASURES = frozenset(stem(w) for w in ("score", "rating", "percentage", "percent"))
# (A score's own shape: "7.5", "92%", "850/1000"; not "N3", "Dansk 3" nor "650 kanji".)
_SCORE = re.compile(r"(?<![\w./-])(?:\d{1,3}[.,]\d{1,2}|\d{1,4}\s*/\s*\d{1,4}|\d{1,3}\s*%)(?![\w/-])")


def _shaped(text: str, noun: str) -> bool | None:
    """Whether a number is the asked one by its shape alone, when its noun's kind settles it."""
    if not noun:
        # An amount, not a date: "Work started in January 2019" says no "how much".
        return bool(NUMBER.search(DATE.sub(" ", text)))
    if noun.endswith(" number"):
        return noun in text.lower()
    if noun in _MEASURES and _SCORE.search(DATE.sub(" ", text)):
        return True  # "her IELTS score": "IELTS Academic 7.5", with no "score" (nor a date's "-02")
    return None


def _number_about(text: str, key: str, noun: str) -> bool:
    """A number, next to the noun it counts when the question names one ("7 engineers"); a
    "<noun> number" (an identifier) must be named as such."""
    if not NUMBER.search(text):
        return False
    if (shaped := _shaped(text, noun)) is not None:
        return shaped
    counted = {noun} | (_HUMANS if noun == _PEOPLE else set())  # "how many people": "7 engineers"
    if noun == _PEOPLE and _PEOPLE_IN_ROLES.search(text):
        return True  # "a team of 7 SREs", "seven SREs today"
    if counted & stems(key) or (noun in _SHARES and "%" in text):
        # "Students: 18"; "Audience: 420" counts people ("Students: enrolment open, starts 7 Nov" none).
        return bool(NUMBER.search(DATE.sub(" ", text)))
    tokens = words(_PRICE.sub(" ", kind_words(text)))  # a price counts no things: "the kits sell for £95"
    for n, token in enumerate(tokens):
        if stem(token) == _REPORTS and noun == _PEOPLE and (not n or tokens[n - 1].lower() != "direct"):
            continue  # "4 direct reports" are people; "five years of bug reports" none
        if stem(token) in counted or noun in (stem(p) for p in token.split("-")):
            # "about 18 kids", "kids: 18", not the ages in "(kids 9-14)".
            before, after = tokens[max(n - 4, 0) : n], tokens[n + 1 : n + 5]
            near = [*before, *(t for t in after if not _RANGE.fullmatch(t))]
            if any(NUMBER.search(t) and not YEAR.fullmatch(t) for t in near):
                return True
    return False


# Places one goes to, of kinds told apart by a word before them ("high school", "medical school").
_INSTITUTIONS = frozenset(stem(w) for w in ("school", "college", "academy", "club", "gym", "hospital", "church"))
_PEOPLE = stem("people")
_REPORTS = stem("reports")
# People counted by their role's initials: "7 SREs", "two PMs".
_PEOPLE_IN_ROLES = re.compile(r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten)\s+[A-Z]{2,5}s\b")
_HUMANS = frozenset(
    stem(w)
    for w in (
        "engineers", "developers", "employees", "students", "researchers", "scientists", "designers", "reports",
        "colleagues", "contributors", "volunteers", "maintainers", "staff", "testers", "analysts", "members",
        "audience", "attendees", "participants", "attendance", "headcount", "learners", "pupils",
    )
)  # fmt: skip


def _is_new_name(name: str, known: set[str], lower: frozenset[str] | None = None) -> bool:
    """A name the question does not give; a person's, when the stems of the documents' `lower`-case
    words are given: not "The Specialization Project", "Vestmark Institute", a title's "Tracked
    Vehicles" or "Engineering Manager", names of things, whose words the documents also write in
    lower case ("engineering", "managers")."""
    named = words(name)
    thing = named[0].lower() in _DETERMINERS or stem(named[-1]) in _THINGS or any(map(_MONTH_OR_DAY.fullmatch, named))
    if lower is not None and (thing or any(stem(w) in lower for w in named)):
        return False
    return not all(stem(w) in known for w in named)


_DETERMINERS = frozenset(("the", "a", "an", "this", "that", "our", "my", "her", "his", "their"))
# The last word of a capitalised name that is no person's.
_THINGS = frozenset(
    stem(w)
    for w in (
        "project",
        "university",
        "institute",
        "college",
        "school",
        "academy",
        "conference",
        "summit",
        "meetup",
        "award",
        "prize",
        "programme",
        "program",
        "course",
        "thesis",
        "team",
        "lab",
        "laboratory",
        "centre",
        "center",
        "group",
        "society",
        "company",
        "foundation",
        "association",
        "council",
        "department",
        "system",
        "platform",
        "engineering",
        "technology",
        "science",
        "sciences",
        "faculty",
        "studio",
        "labs",
        "ltd",
        "inc",
        "gmbh",
        "health",
        "robotics",
        "analytics",
    )
)
