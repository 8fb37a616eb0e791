"""What a question asks for: the kind of answer, the asked terms, the names it is about."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from enum import StrEnum

from folio.answers.text import LEISURE, STOP, stem, words


class Kind(StrEnum):
    DATE = "date"
    NUMBER = "number"
    PLACE = "place"
    PERSON = "person"
    YESNO = "yesno"
    LIST = "list"
    SUMMARY = "summary"
    FACT = "fact"


_AUXILIARIES = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "does",
        "do",
        "did",
        "has",
        "have",
        "had",
        "can",
        "could",
        "will",
        "would",
        "should",
        "am",
    ]
)
_DATE_PHRASES = re.compile(
    r"^(when|since when)\b|\b(what|which) (year|date|month|day|term|semester)\b|\bhow long\b|\bdate of\b|"
    r"\b(?:her|his|their|your) age\b|"
    r"\b(first|earlier|earliest|latest|most recent|before|after)\b.*\bor\b"
)
# Nouns whose value is a quantity: "what salary", "what is her GPA" want a number.
_QUANTITIES = frozenset(
    [
        "salary",
        "compensation",
        "wage",
        "wages",
        "funding",
        "investment",
        "valuation",
        "rating",
        "gpa",
        "mark",
        "score",
        "cost",
        "price",
        "rate",
        "number",
        "percentage",
        "percent",
        "latency",
        "throughput",
        "size",
        "age",
        "budget",
        "height",
        "weight",
        "accuracy",
        "count",
        "total",
        "share",
        "amount",
        "revenue",
        "views",
        "downloads",
        "stars",
        "version",
        "money",
        "euros",
        "dollars",
        "pounds",
        "usd",
        "eur",
        "gbp",
        "sek",
    ]
)
_SUMMARY = re.compile(
    r"^(summari[sz]e|summary|overview|describe|introduce|tell me about|tell me more|what about|who is|who's)\b|"
    r"^what (?:does|do|did) [\w'’-]+ do\b|"  # "what does she / Idris / Sorrel do"
    r"\b(overview|summary|summari[sz]e|background|in a nutshell|run-?down|recap)\b"
)
_LIST_NOUN_SKIP = frozenset(
    ["kind", "kinds", "type", "types", "sort", "sorts", "of", "her", "his", "their", "the", "other", "all"]
)
_NEGATION = frozenset(["not", "no", "never", "none", "without", "lapsed", "expired"])
_GENERIC = frozenset(
    [
        # "Which came first?", "what came with that release?": the verb asks nothing; nor do
        # "Which grade was that again?", "what exactly".
        "come",
        "came",
        "comes",
        "again",
        "exactly",
        "actually",
        "tell",
        "know",
        "please",
        "describe",
        "summarise",
        "summarize",
        "summary",
        "overview",
        "background",  # "a summary of her background" is of her; "her background in ML", of ML
        "give",
        "share",
        "about",
        "detail",
        "details",
        "info",
        "information",
        "anything",
        "something",
        "list",
        "name",
        "mention",
        "ones",
        "one",
        "kind",
        "kinds",
        "type",
        "types",
        "sort",
        "sorts",
        "currently",
        "still",
        "ever",
        "really",
        "exactly",
        "quick",
        "brief",
        "briefly",
        "short",
        "rundown",
        "run-down",
        "recap",
        "compare",
        "compared",
        "comparison",
        "differ",
        "difference",
        "versus",
        "vs",
    ]
)
# "Can you summarise ...", "Do you know where ...": a request around the question it asks.
_REQUEST = re.compile(
    r"^(?:please\s+)?(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:tell me|let me know|say)?|"
    r"(?:do|did)\s+you\s+know|i(?:'d| would) like to know|i wonder|i was wondering)\s*"
)
_IMPERATIVES = frozenset(
    ["summarise", "summarize", "describe", "list", "name", "give", "share", "explain", "outline", "tell", "walk"]
)
# Phrases a visitor uses for one word of the documents.
_PHRASE_WORDS = {f"{verb} part": "participated" for verb in ("take", "takes", "took", "taken", "taking")} | {
    # "What did she work on": what she did, not where she was employed.
    f"{verb} on": "do"
    for verb in ("work", "works", "worked", "working")
}
_PHRASE_WORDS |= {f"{verb} live": "launched" for verb in ("go", "goes", "went", "gone", "going")}
_PHRASE_WORDS |= {f"{verb} out": "released" for verb in ("come", "comes", "came", "coming")}
_PHRASE_WORDS |= dict.fromkeys(LEISURE, "hobbies")
_PHRASE_WORDS |= dict.fromkeys(("response time", "response times", "reaction time"), "latency")
# "Has she spoken at conferences?" asks about talks, not languages; "what is it written in", a language.
_PHRASE_WORDS |= {f"{verb} at": "talked at" for verb in ("speak", "speaks", "spoke", "spoken", "speaking")}
_PHRASE_WORDS |= dict.fromkeys(("written in", "coded in", "programmed in", "implemented in"), "language")
_PHRASE_WORDS |= dict.fromkeys(
    (
        "built with",
        "built using",
        "built on",
        "made with",
        "run on",
        "runs on",
        "running on",
        "powered by",
        "tech stack",
    ),
    "stack",
)
# "The title of her thesis" is its name; "her title" is her role.
_PHRASE_WORDS |= {"title of": "name of", "titles of": "names of"}
_PHRASE_WORDS |= dict.fromkeys(("time zone", "time zones"), "timezone")
# "Is she open to relocating?" asks whether she would relocate: "open" is no attribute of it.
_PHRASE_WORDS |= dict.fromkeys(("open to", "willing to", "prepared to"), "to")
_PHRASE_WORDS |= dict.fromkeys(("for a living",), "for work")  # a job, not where someone lives
_PHRASE_WORDS |= dict.fromkeys(("how old",), "when born")  # an age is a birth date
# A thesis defended is examined: "her PhD defense", "the viva" - "Oral examination: 14.07.2020".
_PHRASE_WORDS |= {
    f"{kind} {defence}": f"{kind} oral examination"
    for kind in ("phd", "thesis", "doctoral", "dissertation")
    for defence in ("defense", "defence")
} | dict.fromkeys(("viva voce", "viva"), "oral examination")
_PHRASE_WORDS |= dict.fromkeys(("these days", "nowadays", "right now", "at present", "lately"), "now")
# "Her career path", "his career so far": her career.
_PHRASE_WORDS |= {f"career {noun}": "career" for noun in ("path", "journey", "trajectory", "progression", "so far")}
_PHRASE_WORDS |= {f"{wh}'s": f"{wh} is" for wh in ("what", "where", "when", "who", "how", "which")}
# "When could she start?" asks when she is available (a notice period), not when a job began.
_PHRASE_WORDS |= {
    f"{modal} {who} start": f"{modal} {who} start available"
    for modal in ("could", "can", "would", "will")
    for who in ("she", "he", "they", "you")
}
# "What's the best way to reach her?" asks how to reach her.
_PHRASE_WORDS |= dict.fromkeys(("the best way to", "the easiest way to", "the best way of", "best way to"), "how to")
_AFTER_THE_QUESTION = re.compile(
    r"^(.*?\?)\s+(?!(?:and|or|what|which|when|where|who|whom|whose|why|how|is|are|was|were|do|does|did|can|could|"
    r"would|will|has|have)\b)[^?]+$",
    re.IGNORECASE | re.DOTALL,
)
_REACHED_VERSION = re.compile(r"\b(?:reach|reached|hit|hits)\s+(v?\d+(?:\.\d+)+)", re.IGNORECASE)
_CHANGE_VERBS = re.compile(
    r"\bhow much (?:did|has|have|does|was|were)\b.*\b(?:improv|reduc|cut|increas|decreas|drop|grow|grew|fell|fall|"
    r"speed|shrink|shrank)\w*"
)
_NAME_OF = re.compile(
    r"\bnames? of (?:the|her|his|their|a|an)\s+(?:[\w-]+\s+){0,2}?([\w-]+)"
    r"(?=\s+(?:she|he|they|that|which|who|is|was|does|did|belongs|goes|works|uses|or|and)\b|\s*[?.!]|$)"
)
_WHOSE_NAME = re.compile(r"\b(?:her|his|their|its)\s+([a-z-]+)['’]s\s+names?\b")
_WHICH_ONE = re.compile(
    r"^which\s+(?:[\w-]+\s+){0,2}?(club|gym|customer|client|band|charity|studio|orchestra|choir|league)\s+"
    r"(?:is|was|does|did|do|has|have)\b"
)
_POSSESSIVE = re.compile(r"['’]s$")
_PREPOSITION = re.compile(
    r"^(?:at|in|on|for|with|from|to|by|during|under|of)\s+(?=(?:which|what|whom|whose)\b)", re.IGNORECASE
)
_LEAD_IN = re.compile(r"^(?:and|so|but|also|ok|okay|then|hmm|oh|well|right)\b[,\s]+", re.IGNORECASE)
# "Any publications?", not "any more?" (more of the conversation's topic).
_ANY_ALONE = re.compile(
    r"^\s*any\s+(?!(?:more|other|others|else|further|thing|things)\W*$)\S+(?:\s+\S+){0,2}\s*$", re.IGNORECASE
)
_TALK_ABOUT = re.compile(r"^(?:please\s+)?talk (?:me through|about)\b", re.IGNORECASE)
# "What has she published?" asks for her publications.
_PUBLISHED = re.compile(r"^what (has|have|did) (\w+) (published|publish)\b", re.IGNORECASE)
# "Who does he work for?" asks for his employer, as "Where does he work?" does, not for a person.
_ACHIEVED = re.compile(r"^what did (\w+) (?:achieve|accomplish|deliver)\b", re.IGNORECASE)
_FROM = re.compile(r"^where (?:is|was) (\w+) (?:originally )?from(?: originally)?\b", re.IGNORECASE)
_WORKS_FOR = re.compile(r"^who (do|does|did) (\w+) (?:currently |now )?work for\b", re.IGNORECASE)
# Short words typed fast ("wat talk did she giv at GDC"): too short for the corpus's spelling check.
_MISTYPINGS = {
    "wat": "what",
    "wht": "what",
    "whta": "what",
    "wher": "where",
    "whre": "where",
    "wen": "when",
    "wich": "which",
    "hw": "how",
    "giv": "give",
    "gve": "give",
    "hav": "have",
    "dose": "does",
    "teh": "the",
    "stil": "still",
    # (And the apostrophe left out: "whats her IELTS score".)
    "whats": "what's",
    "wheres": "where's",
    "whos": "who's",
    "hows": "how's",
    "whens": "when's",
    "shes": "she's",
}
_MISTYPED = re.compile(r"\b(?:" + "|".join(_MISTYPINGS) + r")\b", re.IGNORECASE)
_PHRASES = re.compile(r"\b(?:" + "|".join(_PHRASE_WORDS) + r")\b", re.IGNORECASE)
_WH = frozenset(["what", "which", "when", "where", "who", "whom", "whose", "how", "why"])
# "Which languages besides English": the named thing is left out of the answer, not asked about.
_EXCEPT = re.compile(r"\b(?:besides|except(?: for)?|apart from|aside from|other than|excluding|beyond)\s+(.+)$")


@dataclass(frozen=True)
class Question:
    text: str
    kind: Kind
    terms: tuple[str, ...]  # stems of the content words, in order
    entities: tuple[str, ...] = ()  # stems of names, codes and quoted words: what the answer is about
    sides: tuple[tuple[str, ...], ...] = ()  # a comparison's two sides (their entity stems)
    list_noun: str = ""  # the stem of the listed thing ("projects" -> "project")
    count: bool = False  # "how many"
    negated: bool = False
    quantity: str = ""  # the stem of the asked quantity noun ("salary")
    vague: bool = False  # nothing to lean on: "more?", "Experience?"
    degree: str = ""  # "how accurate" -> "accurat": the quality asked about
    excluded: tuple[str, ...] = ()  # stems of what the answer leaves out ("besides English")
    heads: tuple[tuple[str, str], ...] = ()  # (name, the noun right after it): "Gannet module"
    compounds: tuple[tuple[str, str], ...] = ()  # two words naming one thing: "the rowing club"
    duration: bool = False  # "how long": a span of time ("26 hours") answers it as well as dates
    named: bool = False  # "what is the name of ...": a proper name answers it
    name_of: str = ""  # the stem of the thing whose name is asked: "the name of the gym" -> "gym"
    present: bool = False  # asked in the present tense: "Where does she work?" means now
    change: bool = False  # "by how much did it improve", "how much faster": a before and an after
    willing: bool = False  # what she would do ("Would she relocate?"), not what she did
    owner: frozenset[str] = frozenset()  # the owner's name, its words and their stems: no place, no other person
    level: bool = False  # how good she is at a named thing: "What level is her Spanish?", "How good is his Igbo?"


def analyse(text: str, *, owner_words: frozenset[str] = frozenset()) -> Question:
    """The question a text asks, past a request around it ("Could you tell me where ...")."""
    return replace(_asked(text, owner_words), willing=willing(text), owner=owner_words)


def willing(text: str) -> bool:
    """Whether a text speaks of what someone would do, not of what they did: "Would she relocate?",
    "Is she open to relocating?" ("Then you moved to Sweden." does not)."""
    return bool(_WILLING.search(text))


_WILLING = re.compile(
    r"\b(?:would|will|won't|open to|willing to|prepared to|happy to|consider(?:ing)?)\b|\w'(?:d|ll)\b", re.IGNORECASE
)


def _asked(text: str, owner_words: frozenset[str]) -> Question:
    # What follows the question is no part of it: "... Database Internals? my phone is 555-0199".
    asked = _AFTER_THE_QUESTION.match(text)
    text = asked.group(1) if asked else text
    text = _MISTYPED.sub(_retyped, text.replace("’", "'"))
    text = _PHRASES.sub(_phrase_word, text)
    text = _REACHED_VERSION.sub(r"released \1", text)  # "When did it reach 1.0?" asks of a release
    text = _TALK_ABOUT.sub("Tell me about", _asked_part(text))
    text = _WORKS_FOR.sub(r"Where \1 \2 work", text)
    text = _FROM.sub(r"Where was \1 born", text)  # "Where is Amani from originally?" asks where she was born
    text = _ACHIEVED.sub(r"What did \1 do", text)  # what was done there: "what did she achieve at Tamarindo"
    text = _PUBLISHED.sub(r"What publications \1 \2 \3", text)
    text = _ANY_ALONE.sub(r"Are there \g<0>", text)  # "Any publications?" asks whether there are
    if willing(text):
        text = _FOR_A_JOB.sub("", text)  # "Would she relocate for a job?" asks whether she would relocate
    lowered = " ".join(text.lower().replace("’", "'").split())
    request = _REQUEST.match(lowered)
    if request and request.end() < len(lowered):
        rest = text.strip()[request.end() :].lstrip(" ,")
        head = rest.split(maxsplit=1)[0].lower() if rest.split() else ""
        if head in ("if", "whether"):
            rest = rest.split(maxsplit=1)[1] if len(rest.split()) > 1 else ""
            return (
                replace(_analyse(rest, owner_words), text=text, kind=Kind.YESNO)
                if rest
                else _analyse(text, owner_words)
            )
        if head in _WH or head in _IMPERATIVES:
            return _analyse(rest[:1].upper() + rest[1:], owner_words)
    return _analyse(text, owner_words)


# What a move or a change would be for, which asks nothing of its own: "for a job", "for the right role".
_FOR_A_JOB = re.compile(
    r"\s+for (?:a|an|the|the right|a new|the next)?\s*(?:new\s+)?(?:job|role|position|opportunity|employer)\b",
    re.IGNORECASE,
)


def _compound(word: str) -> bool:
    # (A measure too: "the 6-hour horizon" is a horizon of 6, "Horizon: 6 h".)
    measure = bool(_MEASURE.fullmatch(word))
    return "-" in word and not _numeric(word) and (measure or all(len(part) > 1 for part in word.split("-")))


_MEASURE = re.compile(r"\d+-[a-z]+")


def _shortens(word: str, owner_words: frozenset[str]) -> bool:
    return any(name.startswith(word) and name != word for name in owner_words)


def _analyse(text: str, owner_words: frozenset[str]) -> Question:
    # "At which venues has she published?" asks what "Which venues ...?" asks.
    text = _PREPOSITION.sub("", text.lstrip())
    text = text[:1].upper() + text[1:]
    lowered = " ".join(text.lower().replace("’", "'").split())
    tokens = [_POSSESSIVE.sub("", w) for w in words(text)]  # "Rafaela's career": Rafaela is the owner
    first = tokens[0].lower() if tokens else ""
    # The owner by a short form of their name: "Teo" for Teodor.
    short = {w.lower() for w in tokens if w[:1].isupper() and len(w) >= 3 and _shortens(w.lower(), owner_words)}
    skip = STOP | _GENERIC | owner_words | short
    # A hyphenated word's parts ("Kestrel-Cal"), but not of one whose part is a letter ("h-index").
    parts = [part for w in tokens for part in (w.split("-") if _compound(w) else [w])]
    content = [w for w in parts if w.lower() not in skip and (len(w) > 1 or w.isdigit())]
    # "How much faster did it boot?": the comparative names the asked change, not a topic.
    comparative = re.match(r"(?:by )?how much (\w+er)\b", lowered)
    content = [w for w in content if comparative is None or w.lower() != comparative.group(1)]
    change = comparative is not None or lowered.startswith("by how much") or bool(_CHANGE_VERBS.search(lowered))
    excluded = _excluded(text, skip)
    terms = tuple(t for t in dict.fromkeys(stem(w) for w in content) if t not in excluded)
    quantity = _measured(lowered, tokens)
    entities = tuple(e for e in _entities(text, tokens, skip) if e != quantity and e not in excluded)
    negated = any(w.lower() in _NEGATION or w.lower().endswith("n't") for w in tokens)
    count = "how many" in lowered or "number of" in lowered
    sides = _sides(text, skip, entities) if first not in ("is", "are") else ()
    # "How did Sorrel's F1 compare with the next best tool?": one thing weighed against another.
    change = change or (not sides and bool(_COMPARING.search(lowered)))
    vague = len(terms) <= 1 and len(tokens) <= 2
    kind = _kind(lowered, first, tokens, count, quantity, bool(sides), entities)
    # Nothing asked at all ("What is it?", "hmm"), though a summary of the owner may be.
    vague = vague or (not terms and not entities and kind is not Kind.SUMMARY)
    list_noun = _list_noun(lowered, entities) if kind in (Kind.LIST, Kind.YESNO, Kind.SUMMARY) else ""
    if kind is Kind.YESNO and list_noun and re.search(r"\bany\b", lowered):
        kind = Kind.LIST
    return Question(
        text=text,
        kind=kind,
        terms=terms,
        entities=entities,
        sides=sides,
        list_noun=list_noun,
        count=count,
        negated=negated,
        quantity=quantity if kind is Kind.NUMBER else "",
        vague=vague,
        degree=_degree(lowered),
        level=bool(entities) and bool(_LEVEL.search(lowered)),
        excluded=excluded,
        heads=_heads(tokens, entities, skip),
        compounds=_compounds(lowered, skip),
        change=change,
        named=bool(
            re.search(r"\bwhat (?:is|was|are) the names? of\b|\bwhat (?:is|was) (?:it|he|she) called\b", lowered)
        ),
        name_of=_name_of(lowered),
        present=next((w in ("do", "does", "is", "are", "am") for w in lowered.split() if w in _AUXILIARIES), False),
        duration=bool(
            re.search(r"\bhow (?:long|quick|quickly|fast)\b", lowered)
            or (sides and re.search(r"\blong(?:er|est)\b|\bmore time\b", lowered))
        ),
    )


_LEVEL = re.compile(
    r"\b(?:what|which)(?:'s| is| was)? (?:\w+ )?(?:level|proficiency)\b|\bhow (?:good|well|fluent|strong)\b"
    r"|\b(?:level|proficiency) (?:of|in)\b"
)
_NUMBER_OPENINGS = ("how much", "what percentage", "what percent", "by how much", "how quick", "how fast")
_NOT_DEGREES = frozenset(
    ["many", "much", "long", "old", "big", "large", "far", "often", "soon", "fast", "well", "quickly", "quick"]
)


def _asked_part(text: str) -> str:
    """The question past what leads into it: "And when did it ship?" -> "When did it ship?"; "We
    have an opening in Lisbon - would she move?" -> "Would she move?"."""
    text = _LEAD_IN.sub("", text.strip())
    # "If we made her an offer, when could she start?": the question after the condition.
    condition = re.match(r"(?:if|suppose|assuming)\b[^,?]{3,80},\s*(?=\S)", text, re.IGNORECASE)
    if condition and _opens_question(text[condition.end() :]):
        text = text[condition.end() :]
    clauses = re.split(r"\s+[-–—]\s+|(?<=[.!:])\s+", text)
    # "Compare Saltmarsh and Beacon: which company was each at?" is asked of both.
    weighs = _COMPARING.search(clauses[0]) and not _COMPARING.search(" ".join(clauses[1:]))
    if len(clauses) > 1 and not _opens_question(clauses[0]) and not weighs:
        asked = next((c for c in clauses[1:] if _opens_question(c)), "")
        text = text[text.index(asked) :] if asked else text
    return text[:1].upper() + text[1:]


def _opens_question(clause: str) -> bool:
    first = clause.split(maxsplit=1)[0].lower() if clause.split() else ""
    return first in _WH or first in _AUXILIARIES or clause.rstrip().endswith("?")


def _name_of(lowered: str) -> str:
    """ "the name of the bouldering gym she goes to", "which trail running club is she in", "her
    daughter's name"."""
    match = _NAME_OF.search(lowered) or _WHICH_ONE.match(lowered) or _WHOSE_NAME.search(lowered)
    return stem(match.group(1)) if match else ""


def _retyped(match: re.Match[str]) -> str:
    word = _MISTYPINGS[match.group(0).lower()]
    return word[:1].upper() + word[1:] if match.group(0)[:1].isupper() else word


def _phrase_word(match: re.Match[str]) -> str:
    word = _PHRASE_WORDS[match.group(0).lower()]
    return word[:1].upper() + word[1:] if match.group(0)[:1].isupper() else word


def _numeric(word: str) -> bool:
    return word.replace("-", "").isdigit()


def _degree(lowered: str) -> str:
    match = re.match(r"how ([a-z]+)\b", lowered)
    if match is None or match.group(1) in _NOT_DEGREES or match.group(1) in STOP:
        return ""
    return stem(match.group(1))


_STAFF = frozenset(("employees", "staff", "staffers", "headcount", "workers"))


def _measured(lowered: str, tokens: list[str]) -> str:
    """What a number must be about: "how many [bird] species" -> "speci"; "what salary" -> "salari"."""
    # (Of a group: "how many of his professional certifications".)
    counted = re.search(
        r"\bhow (?:many|much) (?:of (?:his|her|their|its|the|those|these) )?([a-z-]+)(?: ([a-z-]+))?", lowered
    )
    if counted:
        first, second = counted.group(1), counted.group(2) or ""
        plural = second.endswith("s") and not first.endswith("s") and second not in STOP
        noun = second if plural or second in _QUANTITIES else first  # "how much venture funding"
        if lowered.startswith("how many") or noun in _QUANTITIES:
            # (Employees are people, not employers: "how many employees does Meridia have?")
            return stem("people") if noun in _STAFF else stem(noun)
    if lowered.startswith("how much") and not re.match(r"how much \w+er\b", lowered):
        # "How much does Plinthwork pay him?": an amount of money ("How much faster did it make
        # rebuilds?" is a change).
        paid = next((_PAY_VERBS[w.lower()] for w in tokens if w.lower() in _PAY_VERBS), "")
        if paid:
            return stem(paid)
    asked = re.match(r"what ([a-z0-9-]+) (?:did|does|do|was|is|were|are|has|have)\b", lowered)
    metric = asked is not None and any(t.lower() == asked.group(1) and _METRIC.fullmatch(t) for t in tokens)
    if asked and metric:
        return stem(asked.group(1))  # "What AUROC did his early-warning score get?": the AUROC, not a score
    for n, word in enumerate(tokens):
        if word.lower() in _QUANTITIES:
            if word.lower() == "number" and n and tokens[n - 1].lower() not in STOP:
                return f"{tokens[n - 1].lower()} number"  # an identifier: "phone number", "student number"
            if word.lower() == "rate" and n and tokens[n - 1].lower() in _PAID_BY:
                return stem("fee")  # "her day rate", "an hourly rate": money, not a share
            return stem(word)
    return ""


# A measure written as one: "AUROC", "F1", "p99", "MAE".
_METRIC = re.compile(r"[A-Z][A-Z0-9-]+|[A-Za-z]+\d+")
# Verbs whose "how much" is money.
_PAY_VERBS = dict.fromkeys(
    ("pay", "pays", "paid", "earn", "earns", "earned", "make", "makes"), "salary"
) | dict.fromkeys(("charge", "charges", "charged", "cost", "costs"), "fee")
# Rates that are money: "day rate", "hourly rate".
_PAID_BY = frozenset(("day", "daily", "hourly", "hour", "weekly", "monthly", "consulting", "freelance", "contract"))


def _kind(
    lowered: str, first: str, tokens: list[str], count: bool, quantity: str, comparison: bool, names: tuple[str, ...]
) -> Kind:
    if _DATE_PHRASES.search(lowered):
        return Kind.DATE
    if count or lowered.startswith(
        ("how much", "what percentage", "what percent", "by how much", "how quick", "how fast")
    ):
        return Kind.NUMBER
    if comparison:
        return Kind.FACT
    if first in _AUXILIARIES:
        return Kind.YESNO
    if _SUMMARY.search(lowered) and not (first == "who" and len(tokens) > 3):
        return Kind.SUMMARY
    return _wh_kind(lowered, first, quantity, names)


def _wh_kind(lowered: str, first: str, quantity: str, names: tuple[str, ...]) -> Kind:
    if first == "where" or re.match(r"(?:which|what) (?:city|town|country|place|location|region)\b", lowered):
        return Kind.PLACE
    if first == "who" or lowered.startswith(("whose", "by whom")):
        return Kind.PERSON
    if first in ("what", "which") or lowered.startswith(("list", "name")):
        if quantity == stem("salary"):
            return Kind.NUMBER  # "What are his salary expectations?": an amount, not a list
        if _list_noun(lowered, names):
            return Kind.LIST
        if quantity and not lowered.startswith(("what is the name", "what's the name")):
            return Kind.NUMBER
    return Kind.FACT


def _list_noun(lowered: str, names: tuple[str, ...]) -> str:
    """The plural noun a list question asks for: "what projects", "which of her (or Merritt's)
    certifications"."""
    match = re.search(
        r"\b(?:what|which|list|name|any|all|about)\s+"
        r"(?:(?:are|were|of|her|his|their|the|other|kinds?|types?|sorts?|[a-z][\w-]*'s)\s+)*"
        r"((?:[a-z][a-z-]+\s*){1,4})",
        lowered,
    )
    if match is None:
        return ""
    found = match.group(1).split()
    for n, noun in enumerate(found):
        if noun in ("or", "and") and n:
            continue  # "what kinds of work or roles": the plural after it names the list
        if noun in _LIST_NOUN_SKIP or noun in STOP:
            return ""
        # "any Kubernetes qualification": a name before the head noun says which one.
        following = found[n + 1] if n + 1 < len(found) else ""
        modifier = stem(noun) in names and following not in STOP and following not in _AUXILIARIES
        plural = noun.endswith("s") and not noun.endswith(("ss", "us", "is")) and stem(noun) != noun  # not "rtos"
        if plural and not modifier:
            return stem(noun)
    return ""


def _entities(text: str, tokens: list[str], skip: frozenset[str]) -> tuple[str, ...]:
    """Names (capitalised past the first word), codes ("p95", "DSY510") and quoted words."""
    found: list[str] = []
    for n, word in enumerate(tokens):
        if word.lower() in skip:
            continue
        # A code ("p95", "DSY510"), not an amount ("100k", "2.5M").
        coded = any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word) and not _AMOUNT.match(word)
        coded = coded and not _MEASURE.fullmatch(word)
        # "Kestrel", and a name with a capital inside it ("iOS", "macOS", "gRPC").
        capital = word[:1].isupper() or (word[:1].islower() and any(ch.isupper() for ch in word[1:]))
        named = n > 0 and capital and word.lower() not in ("i",)
        if coded or named or (word.isupper() and len(word) > 1):
            found.append(stem(word))
    for quoted in re.findall(r"[\"“]([^\"”]+)[\"”]", text):
        found += [stem(w) for w in words(quoted) if w.lower() not in skip]
    return tuple(dict.fromkeys(found))


def _excluded(text: str, skip: frozenset[str]) -> tuple[str, ...]:
    match = _EXCEPT.search(text.lower())
    if match is None:
        return ()
    kept = re.split(r"[,;?]| and ", match.group(1))[0]
    return tuple(dict.fromkeys(stem(w) for w in words(kept) if w.lower() not in skip and len(w) > 1))


def _heads(tokens: list[str], entities: tuple[str, ...], skip: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """Each name with the common noun right after it ("the Gannet module") or before it ("her son
    Femi"): the noun may only say what kind of thing, or who, the name is."""
    pairs = []
    for word, after in itertools.pairwise(tokens):
        if stem(word) in entities and after.islower() and after not in skip and stem(after) not in entities:
            pairs.append((stem(word), stem(after)))
        if stem(after) in entities and word.islower() and word not in skip and stem(word) not in entities:
            pairs.append((stem(after), stem(word)))
    return tuple(pairs)


def _compounds(lowered: str, skip: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """Two words naming one thing ("the rowing club he belongs to"): the second is the thing, the
    first says which. Only where the pair ends a noun phrase, so "the course gave her" is no pair."""
    pairs = []
    for word, noun in _COMPOUND.findall(lowered):
        if word not in skip and noun not in skip and len(noun) > 2:
            pairs.append((stem(word), stem(noun)))
    return tuple(dict.fromkeys(pairs))


_AMOUNT = re.compile(r"^\d+(?:[.,]\d+)?(?:k|m|bn|x)$", re.IGNORECASE)
_COMPOUND = re.compile(
    r"\b(?:the|a|an|his|her|their|its|my|which|what)\s+([\w'-]+)\s+([\w-]+)(?=\s*(?:[?.!,;]|$)|\s+(?:of|at|in|on|for|"
    r"with|from|to|he|she|they|i|you|that|which|who|does|did|do|is|was|has|have)\b)"
)
_COMPARATIVE = re.compile(
    r"\b(?:more|less|fewer|most|least|first|last|earlier|later|longer|shorter|bigger|larger|smaller|higher|lower|"
    r"better|worse|faster|slower|older|newer|which|whichever)\b",
    re.IGNORECASE,
)
_COMPARING = re.compile(r"\b(?:compare[sd]?|comparison|differ(?:s|ence)?|versus|vs\.?)\b", re.IGNORECASE)


def _sides(text: str, skip: frozenset[str], entities: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The two things a comparison weighs: the content words on each side of its last "or", or the
    two names joined by "and" in "How do A and B compare"."""
    if " or " not in text.lower():
        return _named_pair(text, entities) if _COMPARING.search(text) else ()
    head, _, tail = re.split(r"[:,]", text, maxsplit=1)[-1].rpartition(" or ")
    left = head.split(" the ")[-1] if " the " in head else head
    parts = []
    for part in (left, tail):
        kept = tuple(dict.fromkeys(stem(w) for w in words(part) if w.lower() not in skip and len(w) > 1))
        if kept:
            parts.append(kept)
    # "What kinds of work or roles ...?" lists; "Which came first, A or B?" weighs.
    weighed = _COMPARATIVE.search(text) or all(set(part) & set(entities) for part in parts)
    return tuple(parts) if len(parts) == 2 and weighed else ()


def _named_pair(text: str, entities: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    for left, right in re.findall(r"([\w-]+)\s+(?:and|with|to|vs\.?|versus)\s+(?:the\s+)?([\w-]+)", text):
        if stem(left) in entities and stem(right) in entities and stem(left) != stem(right):
            return ((stem(left),), (stem(right),))
    # "How does her job at Lumenhive compare with her role at Harbour Bank?": the two names, each
    # of the words in a row.
    runs: list[list[str]] = [[]]
    for word in words(text):
        if stem(word) in entities:
            runs[-1].append(stem(word))
        elif runs[-1]:
            runs.append([])
    named = [tuple(run) for run in runs if run]
    return (named[0], named[1]) if len(named) == 2 and named[0] != named[1] else ()


# A question about one named thing: "What's flakewatch?" (and "Tell me about flakewatch").
_ONE_THING = r" (?:the |an? )?\w+\W*$"
WHAT_IS = re.compile(r"what(?:'s| is| was)" + _ONE_THING, re.IGNORECASE)
ABOUT_ONE = re.compile(r"(?:what(?:'s| is| was)|tell me about)" + _ONE_THING, re.IGNORECASE)

# "What grade did her thesis get, and how many credits was it worth?": a second question after
# "and" ("..., and with what grade?").
_SECOND = re.compile(
    r"^(?P<first>.{6,}?)(?:,?\s+and|;)\s+(?P<second>(?:(?:with|in|at|from|for|by|on|under) )?"
    r"(?:how|what|when|where|which|who|whose|is|was|did|does|has)\b.{4,})$",
    re.IGNORECASE,
)
_BACK = frozenset(("it", "its", "that", "this", "there", "their", "they", "them"))


def two_questions(text: str) -> tuple[str, str, bool] | None:
    """The two questions a text asks, and whether the second refers back to the first ("it")."""
    match = _SECOND.match(" ".join(text.split()))
    if match is None:
        return None
    second = match.group("second")
    refers = bool(_BACK & {w.lower() for w in words(second)})
    return match.group("first"), second[:1].upper() + second[1:], refers
