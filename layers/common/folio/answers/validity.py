"""Whether a credential is still valid on a given day.

Its expiry date decides when it has one ("Expires: 2027-06-12", "valid to 2027", "Expired Mar
2022"): valid through the end of the day, month or year it names. Then a "never expires" ("expires:
null", "No expiry"). Only a record with no date says so in words ("Status: active", "Notes:
expired"): a note written when it was true is not true forever.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

VALID = "valid"
EXPIRED = "expir"

_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {name: n for n, name in enumerate(_MONTH_NAMES, 1)}
_MONTH = rf"(?:{'|'.join(_MONTH_NAMES)})[a-z]*\.?"
# The dates an expiry is written with: 2027-06-12, 2027-06, 12.06.2027, 06/2027, June 12, 2027,
# 12 June 2027, June 2027, 2027.
_DATE = (
    r"(?P<iso>(?:19|20)\d{2}-\d{1,2}(?:-\d{1,2})?)"
    r"|(?P<dotted>\d{1,2}[./]\d{1,2}[./](?:19|20)\d{2})"
    r"|(?P<slashed>\d{1,2}/(?:19|20)\d{2})"
    rf"|(?P<mdy>{_MONTH}\s+\d{{1,2}},?\s+(?:19|20)\d{{2}})"
    rf"|(?P<dmy>\d{{1,2}}\s+{_MONTH}\s+(?:19|20)\d{{2}})"
    rf"|(?P<my>{_MONTH}\s+(?:19|20)\d{{2}})"
    r"|(?P<year>(?:19|20)\d{2})"
)
_EXPIRY_WORD = (
    r"expir(?:es|ed|y|ing|ation|e)?|valid\s+(?:to|until|till|through|thru)|good\s+(?:until|through)"
    r"|lapsed?|renew(?:al)?\s+(?:due|by)"
)
# "Expires: 2027-06-12", "valid_until: 2021-04", "(valid to 2027)", "Expired Mar 2022".
_EXPIRY = re.compile(rf"\b(?:{_EXPIRY_WORD})\b[\s:_-]*(?:on\s+|in\s+)?(?:{_DATE})\b", re.IGNORECASE)
# A field whose value is the expiry: "Expires: 2027-06-12", a table's "Expires" column.
_EXPIRY_KEY = re.compile(rf"^\W*(?:{_EXPIRY_WORD}|valid(?:ity)?|expiry\s+date|valid[\s_-]+until)\W*$", re.IGNORECASE)
_DATE_ALONE = re.compile(rf"^\s*(?:{_DATE})\b", re.IGNORECASE)
_NEVER = re.compile(
    r"\b(?:no\s+expiry|no\s+expiration|does(?:n't|\s+not)\s+expire|never\s+expires?|non-expiring|lifetime"
    r"|(?:valid|good)\s+for\s+life)\b",
    re.IGNORECASE,
)
_NO_VALUE = re.compile(r"^\s*(?:null|none|never|n/?a|-|—|permanent|lifetime)\s*(?:#.*)?$", re.IGNORECASE)
_SAYS_VALID = re.compile(r"\b(?:active|valid|current|in good standing)\b", re.IGNORECASE)
_SAYS_EXPIRED = re.compile(r"\b(?:expired|lapsed|inactive|not renewed|let it lapse)\b", re.IGNORECASE)


def status(lines: Iterable[str], today: date) -> str:
    """VALID, EXPIRED or "" (nothing said) for a record's lines, each a line of text or "Key: value"
    fields joined by "; " (a table row, a YAML record)."""
    dates: list[date] = []
    never = False
    words: list[str] = []
    for line in lines:
        for key, value in _fields(line):
            if key and expiry_key(key):
                found = _DATE_ALONE.match(value)
                if found:
                    dates.append(_last_day(found))
                never = never or bool(_NO_VALUE.match(value) or _NEVER.search(value))
        dates += [_last_day(m) for m in _EXPIRY.finditer(line)]
        never = never or bool(_NEVER.search(line))
        words.append(line)
    if dates:
        return VALID if max(dates) >= today else EXPIRED
    if never:
        return VALID
    said = " ".join(words)
    if _SAYS_EXPIRED.search(said):
        return EXPIRED
    return VALID if _SAYS_VALID.search(said) else ""


def expiry_key(key: str) -> bool:
    """Whether a field's name says its value is an expiry ("Expires", "valid_until", "Expiry date")."""
    return bool(_EXPIRY_KEY.match(key))


def _fields(line: str) -> list[tuple[str, str]]:
    parts = [part.partition(": ") for part in line.split("; ")]
    return [(key, value) for key, sep, value in parts if sep]


def last_day(text: str) -> date | None:
    """The last day the first date of a line names ("2026-12-04", "June 2027": 30 June), if any."""
    found = _ANY_DATE.search(text)
    return _last_day(found) if found else None


_ANY_DATE = re.compile(rf"\b(?:{_DATE})\b", re.IGNORECASE)


def _last_day(m: re.Match[str]) -> date:
    """The last day a date names: 2027 is valid through 31 December 2027, June 2027 through 30 June."""
    text = m.group(0)
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    month_name = re.search(_MONTH, text, re.IGNORECASE)
    month = _MONTHS[month_name.group(0)[:3].lower()] if month_name else None
    year = next(n for n in numbers if n >= 1900)
    day: int | None = None
    if m.group("iso"):
        month, day = (numbers[1], numbers[2] if len(numbers) > 2 else None)
    elif m.group("dotted"):
        day, month = numbers[0], numbers[1]  # day first, as most of the world writes it
        if month > 12:
            day, month = month, day
    elif m.group("slashed"):
        month = numbers[0]
    elif m.group("mdy") or m.group("dmy"):
        day = next(n for n in numbers if n < 1900)
    if month is None or not 1 <= month <= 12:
        return date(year, 12, 31)
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day, last) if day else last)
