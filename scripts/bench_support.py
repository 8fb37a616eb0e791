"""What the benchmarks share: the sample knowledge base indexed once, in a folder of its own."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def sample_index(index: Path | None = None) -> Path:
    """`index` when given, else a fresh index of knowledge/ made by `folio ingest`."""
    if index is not None:
        return index
    path = Path(tempfile.mkdtemp(prefix="folio-bench-")) / "index"
    command = [sys.executable, "-m", "folio.cli", "ingest", str(ROOT / "knowledge"), "--index", str(path)]
    subprocess.run(command, check=True, capture_output=True)
    return path
