"""Text on its way to a client: an LLM's reply, or lines and titles from ingested documents.

An answer is plain text with `[n]` citations, line breaks and the odd `- ` list or `**bold**`;
nothing else in it is wanted, so the rest goes: control characters (line breaks and tabs stay),
HTML tags and comments (with the content of elements that run or embed something: script,
style, iframe...), Markdown links and images (their text stays; sources carry the links), and
`javascript:`-style schemes. Clients must still treat every string as untrusted text (README,
OpenAPI): this removes what a careless renderer would run, it does not make HTML safe to inject.
"""

from __future__ import annotations

import re
import unicodedata

# Bidirectional overrides and isolates reorder what a reader sees (a "Trojan Source" answer).
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_EMBEDDING = re.compile(
    r"<(script|style|iframe|object|embed|template|noscript|svg|math|textarea|title|xmp)\b.*?"
    r"(?:</\1\s*>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
# A tag as a browser reads one: `<` then a name, `/name`, `!` or `?` (`a < b` is text), up to the
# next `>` or the end (a browser drops an unclosed tag with the rest of the text).
_TAG = re.compile(r"</?[A-Za-z][^<>]*(?:>|\Z)|<[!?][^<>]*(?:>|\Z)")
# `[text](target)` and `![alt](target)`, the target allowed two levels of parentheses.
_LINK = re.compile(r"(!?)\[([^\[\]]*)\]\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)")
_SCHEME = re.compile(r"\b(?:java|vb|live)\s*script\s*:|\bdata\s*:\s*text/html", re.IGNORECASE)
_SAFE_URL = re.compile(r"^(?:https?://|mailto:|/(?!/))", re.IGNORECASE)


def plain_text(text: str) -> str:
    kept = "".join(ch for ch in text if ch in "\n\t" or (unicodedata.category(ch) != "Cc" and ch not in _BIDI))
    previous = None
    while previous != kept:  # removing one piece can join the halves of another
        previous = kept
        kept = _COMMENT.sub("", kept)
        kept = _EMBEDDING.sub("", kept)
        kept = _TAG.sub("", kept)
        kept = _LINK.sub(_link_text, kept)
        kept = _SCHEME.sub("", kept)
    return kept


def safe_url(url: str) -> str:
    """A source's link as given when it is http(s), mailto or a site path; otherwise none."""
    url = plain_text(url).strip()
    return url if _SAFE_URL.match(url) else ""


def _link_text(match: re.Match[str]) -> str:
    image, text = match.group(1), match.group(2)
    if not image and text.strip().isdigit():
        return f"[{text.strip()}]"  # a citation a model wrapped in a link
    return text
