"""Citation markers in answers: renumbered to the sources returned, unknown ones removed."""

from __future__ import annotations

import re

_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")


def renumber(answer: str, available: int) -> tuple[str, list[int]]:
    """Rewrite [n] markers so the cited sources become 1..m in order of first citation.

    Returns the new text and the original (1-based) numbers of the cited sources, in their new
    order. Markers that point at no source are dropped.
    """
    order: list[int] = []

    def replace(match: re.Match[str]) -> str:
        numbers = [int(n) for n in re.split(r"\s*,\s*", match.group(1))]
        kept = []
        for n in numbers:
            if 1 <= n <= available:
                if n not in order:
                    order.append(n)
                kept.append(order.index(n) + 1)
        return "".join(f"[{k}]" for k in dict.fromkeys(kept))

    text = _MARKER.sub(replace, answer)
    return re.sub(r"[ \t]+([.,;:!?])", r"\1", text).strip(), order
