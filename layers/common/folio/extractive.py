"""The answer of last resort: the most relevant sentences of the top sources, each cited.

Used when no LLM is configured or every provider failed. It never invents anything: each line
is a sentence (or table row) copied from a source.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from folio.retrieval import Passage

# Scores lines by meaning (cosine similarity to the question), when an embedder is at hand.
Similarity = Callable[[Sequence[str]], Sequence[float]]

_WORD = re.compile(r"[a-z0-9][a-z0-9+#.%-]*")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
# Markdown emphasis and inline code markers, and a link's target: answers quote plain text.
_MARKUP = re.compile(r"\*\*|__|`|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_STOP = frozenset(
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
        "did",
        "does",
        "do",
        "done",
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
        "his",
        "he",
        "him",
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
        "there",
        "their",
        "they",
        "them",
        "can",
        "could",
        "would",
        "should",
        "will",
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
    ]
)


def terms(text: str) -> set[str]:
    return {w.strip(".") for w in _WORD.findall(text.lower()) if w.strip(".") not in _STOP}


def extractive_answer(
    question: str, passages: list[Passage], *, similarity: Similarity | None = None, max_lines: int = 3
) -> str:
    """The best line of each top source, best first. Lines are ranked by meaning and shared words."""
    wanted = terms(question)
    found = [(n, line) for n, p in enumerate(passages[:max_lines], 1) for line in _shortlist(p.text, wanted)]
    if not found:
        return ""
    meaning = list(similarity([line for _, line in found])) if similarity else [0.0] * len(found)
    best: dict[int, tuple[float, str]] = {}
    for (n, line), sim in zip(found, meaning, strict=True):
        score = sim + 0.15 * _score(line, wanted)
        if n not in best or score > best[n][0]:
            best[n] = (score, line)
    top = max(score for score, _ in best.values())
    # Keep the sources whose best line is close to the best overall; the others add noise.
    kept = sorted(((s, n, line) for n, (s, line) in best.items() if s >= top * 0.75), reverse=True)
    return "Here is what my documents say:\n" + "\n".join(f"- {line} [{n}]" for _, n, line in kept)


def _shortlist(text: str, wanted: set[str], size: int = 6) -> list[str]:
    """The lines of a passage worth embedding: those sharing the most words with the question.

    Embedding every sentence of three passages costs ~300 ms of CPU; six each keeps it ~30 ms.
    """
    lines = _candidates(text)
    ranked = sorted(range(len(lines)), key=lambda i: (-_score(lines[i], wanted), i))[:size]
    return [lines[i][:400] for i in sorted(ranked)]


def _candidates(text: str) -> list[str]:
    """Sentences and table rows of a chunk body (its first paragraph is the heading path)."""
    body = text.split("\n\n", 1)[1] if "\n\n" in text else text
    header: list[str] = []
    out: list[str] = []
    for raw in body.splitlines():
        line = raw.strip()
        if not line or re.fullmatch(r"\|?[\s:|-]+\|?", line):
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not header:
                header = cells
                continue
            out.append("; ".join(f"{h}: {c}" for h, c in zip(header, cells, strict=False) if c))
            continue
        header = []
        line = _LINK.sub(r"\1", _MARKUP.sub("", line.lstrip("#-+ ").removeprefix("* "))).strip()
        out += [s.strip() for s in _SENTENCE.split(line) if len(s.strip()) > 2]
    return out


def _score(line: str, wanted: set[str]) -> float:
    found = terms(line)
    overlap = len(wanted & found)
    return overlap + (0.25 if overlap and any(ch.isdigit() for ch in line) else 0.0)
