"""Damage a real LanceDB index on disk the way a bad disk, a partial copy or a stray tool does, and
check what clients are told about it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from pathlib import Path

Part = Literal["manifest", "data"]

# Words of LanceDB, pyarrow, Rust and boto that must stay in the log.
_LIBRARY_TEXT = re.compile(r"lance|rustc|cargo|\.rs:\d|panick|traceback|pyarrow|botocore|NoSuchBucket|s3://", re.I)
_EXCEPTION_NAME = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception)\b")


def files_of(index: Path) -> set[Path]:
    return {path for path in index.rglob("*") if path.is_file()}


def damage(index: Path, before: set[Path], part: Part) -> list[Path]:
    """Overwrite with garbage the manifests, or the data files, written since `before` was taken
    (the versions of the latest ingest). Returns what was damaged."""
    new = sorted(files_of(index) - before)
    targets = [p for p in new if (p.suffix == ".manifest" if part == "manifest" else p.parent.name == "data")]
    assert targets, f"the latest ingest wrote no {part} file"
    for path in targets:
        path.write_bytes(b"\x00garbage, not a lance file\xff" * 40)
    return targets


def assert_no_internals(text: str, *locations: object) -> None:
    """No filesystem path or object-store location, and no library's words, in a response body."""
    for location in locations:
        assert str(location) not in text, f"{location} in {text}"
    assert not _LIBRARY_TEXT.search(text), text
    assert not _EXCEPTION_NAME.search(text), text
    assert "/tmp/" not in text and "/srv/" not in text and "/work/" not in text, text
