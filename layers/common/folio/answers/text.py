"""Words as the answer path compares them: tokens, light stemming, stop words and synonyms."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from functools import lru_cache

_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ0-9][A-Za-zÀ-ÖØ-öø-ÿ0-9+#.'’-]*")
_NUMBER_WORDS = frozenset(
    re.findall(
        r"\w+",
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
        "million billion dozen",
    )
)
DATE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}\b|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|"
    r"jun|jul|aug|sep|oct|nov|dec)[a-z]*\b(?:\.?,?\s+\d{4}\b)?|\b(?:spring|summer|autumn|fall|winter)\s+\d{4}\b|\b(?:19|20)\d{2}\b|"
    r"\bpresent\b",
    re.IGNORECASE,
)
# A month's name, written out or cut short: "Sep", "Sept.", "September".
MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# An e-mail address; a person's profile, not a project's repository ("github.com/benoyelaran").
EMAIL = re.compile(r"(?<![\w.@])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PROFILE = re.compile(r"\b(?:linkedin\.com/in/[\w-]+|(?:github|gitlab)\.com/[\w-]+/?(?![\w/-]))", re.IGNORECASE)
# An open range: "since 2023", "since March 2021", "since 02/2025", "2022-03 to date" (to the present).
SINCE = re.compile(
    r"\bsince\s+(?:[A-Za-z]+\.?\s+|\d{1,2}[/.])?(?:19|20)\d{2}\b|"
    r"\b(?:19|20)\d{2}(?:[-/.]\d{1,2})?\s*(?:[-–—]+|to|until)\s*(?:date|present|now|today)\b",
    re.IGNORECASE,
)
# A line about the present: "May 2021 – present", "since 2023".
CURRENT = re.compile(r"\b(?:present|now|current|today|ongoing)\b|" + SINCE.pattern, re.IGNORECASE)
FIRST_PERSON = re.compile(r"\b(?:I|[Mm]e|[Mm]y|[Mm]ine|[Mm]yself|I'm|I've|I'd|I'll)\b")
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# "What talk did she give ...", "Which grade does he have ...": the noun a question asks for.
# (Of a named whole too: "Which neighbourhood of Lisbon does she live in?".)
WHICH_NOUN = re.compile(
    r"^(?:what|which) ([a-z]+)(?: (?:of|in) [\w-]+)? (?:did|does|do|has|have|was|is|were|are)\b", re.IGNORECASE
)


def says_a_number(text: str) -> bool:
    """Whether a line gives a number of something, in figures ("46 engineers", not a date nor
    "GCP-PDE-21-0483376") or in words."""
    return bool(_STANDALONE_NUMBER.search(DATE.sub(" ", text)))


_STANDALONE_NUMBER = re.compile(
    r"(?<![\w.-])\d+(?:[.,]\d+)?(?![\w-]|\.\w)|\b(?:" + "|".join(sorted(_NUMBER_WORDS)) + r")\b", re.IGNORECASE
)
NUMBER = re.compile(r"\d|\b(?:" + "|".join(sorted(_NUMBER_WORDS)) + r")\b", re.IGNORECASE)
# An amount, in figures or in words: "7", "2.5", "seven".
AMOUNT = r"(?:\d+(?:[.,]\d+)?|" + "|".join(sorted(_NUMBER_WORDS)) + ")"

STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "and",
        "or",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "did",
        "does",
        "do",
        "done",
        "doing",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "her",
        "she",
        "hers",
        "herself",
        "his",
        "he",
        "him",
        "himself",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "with",
        "by",
        "from",
        "as",
        "about",
        "any",
        "me",
        "my",
        "i",
        "you",
        "your",
        "has",
        "have",
        "had",
        "having",
        "there",
        "their",
        "they",
        "them",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "much",
        "many",
        "tell",
        "give",
        "please",
        "some",
        "into",
        "than",
        "then",
        "also",
        "just",
        "get",
        "got",
        "ever",
        "s",
        "t",
        "want",
        "wants",
        "like",
        "know",
        "say",
        "said",
        "list",
        "name",
        "mention",
        "mentioned",
        "let",
        "us",
        "our",
        "we",
        "anything",
        "something",
        "one",
        "thing",
        "things",
        "there's",
        "what's",
        "she's",
        "he's",
        "it's",
        "i'm",
        "via",
        "per",
        "each",
        "every",
        "after",
        "before",
        "besides",
        "so",
        "far",
        "up",
        "through",
        "during",
        "go",
        "goes",
        "went",
        "gone",
    ]
)

# Vocabulary a visitor uses for what a resume says in other words. Each group maps to its first
# stem. General words of the domain (work history, education, credentials), never a document's
# own names.
_SYNONYM_GROUPS = (
    "start join joined began begin since commence hired",
    "current present now moment today currently",
    "employer company job employment organisation organization firm",
    "role title position",
    "salary compensation pay wage remuneration",
    "certification certificate certified credential qualification qualifications qualified cert certs",
    "expire expired lapse lapsed",
    "award prize",
    "hobby hobbies interest interests pastime",
    "contact email reach touch",
    "nickname nicknames alias aka",
    "degree diploma",
    "thesis dissertation tcc capstone",  # (a Brazilian degree's "TCC", a US one's capstone)
    "study studied education",
    "msc master masters magistrale second-cycle",
    "bsc bachelor bachelors undergraduate undergrad beng ba llb triennale first-cycle",
    "postdoc postdoctoral",  # (before the PhD's group: a postdoc is no doctorate)
    "phd doctorate doctoral",  # (not "doctor": "locum doctors" hold no PhD; see _DOCTORATE)
    "based location live lives reside",
    "born birth birthday",
    "married spouse husband wife",
    "earn earned issued obtained",
    "write wrote author written",
    "supervise supervised supervisor advisor",
    "career experience timeline",
    "speak spoken spoke",
    "leave left quit",
    "finish finished complete completed completion",
    "big bigger larger large",
    "build built create made",
    "talk presentation",
    "recommend recommendation reference",
    "nationality citizen citizenship",
    "visa authorisation authorization permit",
    "people person persons member members participant participants participate participated "
    "attendee attendees delegates",
    "accurate accuracy precision error",
    "available availability notice",  # a notice period says when she is available
    "grade mark marks graded classification honours",  # a UK degree's grade is its class
    "launch launched ship shipped release released deployed rollout",
    "relocate relocation relocating move moving moved",
    "valid active unexpired",
    "latency delay lag",
    "microcontroller microcontrollers mcu mcus",
    "aim aiming goal target",  # "What time is he aiming for?": "Goal: under 3:15"
    "stack technology technologies tech techstack",
    "publish published publication publications",
    "star stars popular popularity stargazers",
    "university universities universidade universidad université universität università universiteit",
    "timezone zone zones cet cest utc gmt bst wet eet pst pdt est edt cst ist jst aest",
    # A country and the adjective of its people: "work in Sweden" is "Swedish permanent residence".
    *(
        "sweden swedish swede",
        "norway norwegian",
        "denmark danish",
        "finland finnish",
        "iceland icelandic",
        "germany german",
        "france french",
        "spain spanish",
        "italy italian",
        "portugal portuguese",
        "netherlands dutch",
        "ireland irish",
        "britain british",
        "scotland scottish",
        "switzerland swiss",
        "austria austrian",
        "belgium belgian",
        "slovenia slovenian",
        "estonia estonian",
        "canada canadian",
        "brazil brazilian",
        "mexico mexican",
        "japan japanese",
        "china chinese",
        "india indian",
        "nigeria nigerian",
        "ghana ghanaian",
        "kenya kenyan",
        "australia australian",
    ),
    # Verbs whose past tense no stemmer reaches.
    "teach taught teacher teachers",
    "lead led",
    "win won",
    "run ran",
    "hold held",
    "spend spent",
    "sell sold",
    "meet met",
    "grow grew grown",
    "give gave given",
    "become became",
    "take took taken",
)
# What a question about a job asks (stems), and the section names that hold a work history.
JOB = frozenset(("employer", "rol", "work", "career"))
# Words that ask for one of a sequence by its place in time: a dated entry answers them.
ORDER = frozenset(("first", "earliest", "earlier", "last", "latest", "previous", "prior", "recent"))
# A narrower word that the documents may only state through its kind: "a PhD" through "degrees".
# (A language's level too: "B1" is no "A2".)
BROADER = dict.fromkeys(("phd", "doctorat", "mba", "msc", "bsc"), "degre") | dict.fromkeys(
    ("a1", "a2", "b1", "b2", "c1", "c2"), "cefr"
)
DEGREES = frozenset((*(t for t, kind in BROADER.items() if kind == "degre"), "degre"))


# Idioms for time away from work, in a question ("what does she do for fun") or as a section's
# heading ("Off the clock"): both mean hobbies.
LEISURE = (
    "for fun",
    "spare time",
    "free time",
    "downtime",
    "outside of work",
    "outside work",
    "off work",
    "off the clock",
    "away from the keyboard",
    "away from work",
    "when i'm not working",
    "when i'm not coding",
    "not at a keyboard",
    "not at the keyboard",
    "away from a keyboard",
    "life outside work",
)
_LEISURE = re.compile(r"\b(?:" + "|".join(LEISURE) + r")\b", re.IGNORECASE)


_POINT = re.compile(
    r"\b((?:19|20)\d{2})-(0[1-9]|1[0-2])\b|"  # 2020-06
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+((?:19|20)\d{2})\b|\b((?:19|20)\d{2})\b|"
    r"\b(present|now|today)\b",
    re.IGNORECASE,
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def span_months(text: str) -> int | None:
    """ "March 2018 to August 2022" -> 53: the months from a line's first date to its last."""
    found = span(text)
    return found[1] - found[0] if found else None


def lasting(months: int) -> str:
    """26 -> "2 years and 2 months": how long a span of months is, in words."""
    years, rest = divmod(months, 12)
    parts = [f"{n} {unit}{'s' if n > 1 else ''}" for n, unit in ((years, "year"), (rest, "month")) if n]
    return " and ".join(parts).capitalize()


def covers(text: str, year: int) -> bool:
    """Whether a line's dates take in a year: "Mar 2019 – Jul 2022" takes in 2020."""
    found = span(text)
    return str(year) in text or (found is not None and found[0] // 12 <= year <= found[1] // 12)


def span(text: str) -> tuple[int, int] | None:
    """A line's first and last dates, in months since year 0, when it has two."""
    found = points(text)
    return (found[0], found[-1]) if len(found) >= 2 else None


def points(text: str) -> list[int]:
    """The dates a line gives, in months since year 0 ("present" is this month)."""
    points = []
    for iso_year, iso_month, month, year, bare, now in _POINT.findall(text):
        if now:
            today = datetime.now(UTC)
            points.append(today.year * 12 + today.month - 1)
        elif iso_year:
            points.append(int(iso_year) * 12 + int(iso_month) - 1)
        else:
            points.append(int(year or bare) * 12 + (_MONTHS.index(month.lower()[:3]) if month else 0))
    return points


@lru_cache(maxsize=16384)
def heading_stems(heading: str) -> frozenset[str]:
    """A heading's stems, an idiom read for what it names ("Off the clock" names hobbies, and
    "Outside work" is not about work)."""
    return stems(_LEISURE.sub(" ", heading.replace("’", "'"))) | idioms(heading) | named_kinds(heading)


# A course code: "COMP 3760", "STAT 7040", "CS101" (not a year: "SEP 2021").
_COURSE_CODE = re.compile(r"\b[A-Z]{2,5} ?(?!(?:19|20)\d{2}\b)\d{3,4}[A-Z]?\b")


# A grade point average in words: "Grade average 10.4", "average mark of 16".
_GRADE_AVERAGE = re.compile(r"\b(?:grade|mark)s? average\b|\baverage (?:grade|mark)s?\b", re.IGNORECASE)


def kind_words(text: str) -> str:
    """A text with its phrases for a kind written as the kind: "Grade average 10.4" -> "GPA 10.4"."""
    return _GRADE_AVERAGE.sub("GPA", text)


def named_kinds(text: str) -> frozenset[str]:
    """The kinds a text names by its form alone: a course code is a course, a grade average a GPA,
    "Rust" or "TypeScript" a (programming) language, "PostgreSQL" a database, whom one reports to a
    manager."""
    course = (stem("course"),) if _COURSE_CODE.search(text) else ()
    average = ("gpa",) if _GRADE_AVERAGE.search(text) else ()
    language = (stem("language"),) if _PROGRAMMING_LANGUAGE.search(text) else ()
    database = (stem("database"),) if _DATABASE.search(text) else ()
    licensed = (stem("open"), stem("source")) if _OPEN_LICENCE.search(text) else ()  # "Licence: MIT"
    managed = (stem("manager"),) if _REPORTS_TO.search(text) else ()  # "Reports to: Astrid Lindqvist, CTO"
    doctorate = ("phd",) if _DOCTORATE.search(text) else ()  # "the degree of Doctor of Philosophy"
    played = (stem("instrument"),) if _INSTRUMENT.search(text) else ()  # "Euphonium, Lakeshore Concord Brass"
    return frozenset((*course, *average, *language, *database, *licensed, *managed, *doctorate, *played))


# A musical instrument by its name: a line naming one names an instrument.
_INSTRUMENT = re.compile(
    r"\b(?:piano|keyboards?|guitar|bass guitar|ukulele|violin|viola|cello|double bass|harp|flute|piccolo|"
    r"clarinet|oboe|bassoon|saxophone|sax|trumpet|cornet|trombone|euphonium|tuba|french horn|horn|drums|"
    r"percussion|accordion|banjo|mandolin|harmonica|bagpipes|organ)\b",
    re.IGNORECASE,
)


_DOCTORATE = re.compile(r"\bdoctor of philosophy\b|\bd\.?phil\b|\bdr\.? ?rer\.? ?nat\b", re.IGNORECASE)


# Whom someone reports to is their manager.
_REPORTS_TO = re.compile(r"\breport(?:s|ed|ing)? (?:directly )?to\b", re.IGNORECASE)


# An open-source licence by its name: what it covers is open source.
_OPEN_LICENCE = re.compile(
    r"\blicen[cs]e[ds]?\b.{0,20}\b(?:MIT|Apache(?:[- ]2(?:\.0)?)?|[AL]?GPL(?:-?v?[23](?:\.0)?)?|BSD|MPL|ISC|CC0|"
    r"Unlicense|CERN-OHL)",
    re.IGNORECASE,
)


# What "written in" asks for: the names of programming languages, as written (not "C" or "R"
# alone, nor "Go" opening a sentence).
_DATABASE = re.compile(
    r"\b(?:PostgreSQL|Postgres|MySQL|MariaDB|SQLite|MongoDB|Redis|Cassandra|DynamoDB|Snowflake|BigQuery|Redshift|"
    r"ClickHouse|SQL Server|Oracle Database|Elasticsearch|OpenSearch|DuckDB|CockroachDB|Neo4j|Firestore|TimescaleDB|"
    r"InfluxDB|Cosmos DB|Aurora|ScyllaDB|Couchbase|CouchDB)\b"
)
_PROGRAMMING_LANGUAGE = re.compile(
    r"(?<![\w#+.-])(?:Rust|Python|TypeScript|JavaScript|Java|Kotlin|Swift|Ruby|Scala|Elixir|Erlang|Haskell|"
    r"OCaml|PHP|Julia|Zig|Dart|Lua|Perl|Fortran|MATLAB|Clojure|Objective-C|Solidity|Golang|C\+\+(?:\d\d)?|C#|C(?:89|99|11|17|23)|"
    r"(?<=[\s,(/])Go)(?![\w#+-])"
)


def idioms(heading: str) -> frozenset[str]:
    return frozenset((stem("hobbies"),)) if _LEISURE.search(heading.replace("’", "'")) else frozenset()


# What a thing is built with: "Language: Python 3.12", "Storage: SQLite" tell its stack.
# A grade given in words: "with Distinction", "Merit".
_GRADES = frozenset(("distinction", "merit"))
_AVAILABLE = "availabl"
_EARLIEST_START = frozenset(("earliest", "start"))
_STACK_PARTS = frozenset(("languag", "framework", "storag", "databas", "librari", "cli", "runtim", "hardwar"))


@lru_cache(maxsize=16384)
def with_kinds(found: frozenset[str]) -> frozenset[str]:
    """Stems and the kinds they name: a line about a BSc is a line about a degree."""
    stack = {"stack"} if found & _STACK_PARTS else set()
    grade = {"grad"} if found & _GRADES else set()
    # ("Earliest start date: 1 February 2027" says when she is available, as a notice period does.)
    available = {_AVAILABLE} if found >= _EARLIEST_START else set()
    return found | {BROADER[t] for t in found if t in BROADER} | stack | grade | available


def siblings(term: str) -> set[str]:
    """The other words of a term's kind: a question about a BSc is not answered by an MSc's line."""
    kind = BROADER.get(term)
    return {t for t, k in BROADER.items() if k == kind and t != term} if kind else set()


def words(text: str) -> list[str]:
    return [w.strip(".'’-").replace("’", "'") for w in _TOKEN.findall(_ONE_WORD.sub(r"\1\2", text))]


# A name written in two words or one, and no master's degree: "Scrum Master" is "ScrumMaster".
_ONE_WORD = re.compile(r"\b(scrum|web|quiz)\s+(master)\b", re.IGNORECASE)


_DOTTED = re.compile(r"[a-z]{1,2}(?:\.[a-z]{1,3})+\.?")


# Names that end in an "s" of their own.
_ACRONYMS_IN_S = frozenset(
    [
        "rtos",
        "freertos",
        "ios",
        "macos",
        "ipados",
        "watchos",
        "tvos",
        "chromeos",
        "aws",
        "gps",
        "dns",
        "cms",
        "https",
        "sms",
        "eks",
        "ecs",
        "gcs",
        "kms",
        "sqs",
        "sns",
        "qms",
        "lims",
        "ehrs",
        "emrs",
        "nas",
        "sas",
        "ros",
        "vxworks",
    ]
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude suffix stripper, then the synonym groups: "expired", "expires", "lapsed" all meet."""
    if word.lower() in _ACRONYMS_IN_S:
        return word.lower()  # "RTOS" is one operating system, not many RTOs
    root = _strip(word.replace(".", "") if _DOTTED.fullmatch(word.lower()) else word)  # "B.Sc." is a BSc
    if root in _VERB_APART and word.lower() != root:
        return f"{root}ed"  # "presented her work" is no "present" (now) job
    return CANON.get(root, root)


_VERB_APART = frozenset(("present",))


def _unaccented(word: str) -> str:
    """ "Ardán" as "Ardan": the same name, written with or without its accent."""
    if word.isascii():
        return word
    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))


def _strip(word: str) -> str:
    w = _unaccented(word.lower().replace("’", "'").removesuffix("'s").removesuffix("'"))
    if len(w) > 6 and w.endswith("ly"):
        w = w[:-2]
    if len(w) > 8 and w.endswith(("ments", "ment", "ships", "ship")):
        # "management" meets "managing", "internship" meets "intern"
        w = w.removesuffix("s").removesuffix("ment").removesuffix("ship")
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "i"
    elif len(w) > 5 and w.endswith("ing") and any(ch in "aeiouy" for ch in w[:-3]):
        w = w[:-3]
    elif (len(w) > 4 and w.endswith("ed")) or (len(w) > 3 and w.endswith("es") and w[-3] in "sxzh"):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    if len(w) > 3 and w.endswith("y"):
        w = w[:-1] + "i"
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiou0123456789":
        w = w[:-1]
    return w


# Each synonym's stem and the stem of its group's first word, which stands for the group.
CANON = {_strip(word): _strip(group.split()[0]) for group in _SYNONYM_GROUPS for word in group.split()}


_CHANGE_OF_FIELD = re.compile(r"\bmov(?:e|ed|es|ing)\s+(?=(?:into|up|on|towards?)\b)", re.IGNORECASE)


# Corpus texts (units, headings, paragraphs) come back with every question: compute them once.
@lru_cache(maxsize=16384)
def stems(text: str, *, drop: frozenset[str] = STOP) -> frozenset[str]:
    """The stems of a text's words; a hyphenated or dotted word ("github.com") counts whole and by
    its parts. Moving into a field is no move of home ("want to move into software engineering")."""
    out = set()
    for word in words(_CHANGE_OF_FIELD.sub("switch ", text)):
        # (Not a decimal: "12.6" holds no 6.)
        split = ("-" in word or "." in word) and not _DECIMAL.fullmatch(word)
        for part in (word, *re.split(r"[-.]", word)) if split else (word,):
            if part and ((part.lower() not in drop and len(part) > 1) or part.isdigit()):
                out.add(stem(part))
    return frozenset(out)


_DECIMAL = re.compile(r"\d+\.\d+")
_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w-]*(?:\s+(?:of|and|for|the|&)?\s*[A-Z][\w-]*)+")


@lru_cache(maxsize=16384)
def acronyms(text: str) -> frozenset[str]:
    """Initials of capitalised runs ("United Kingdom" -> "uk", "Vestmark Institute of Technology" -> "vit")."""
    out = set()
    for run in _CAPITALISED_RUN.findall(text):
        initials = "".join(w[0] for w in run.split() if w[:1].isupper())
        if len(initials) >= 2:
            out.add(initials.lower())
    return frozenset(out)
