"""What the benchmarks share: the sample knowledge base indexed once, in a folder of its own."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def sample_index(index: Path | None = None) -> Path:
    """`index` when given, else a fresh index of knowledge/ made by `folio ingest`."""
    if index is not None:
        return index
    path = Path(tempfile.mkdtemp(prefix="folio-bench-")) / "index"
    command = [sys.executable, "-m", "folio.cli", "ingest", str(ROOT / "knowledge"), "--index", str(path)]
    subprocess.run(command, check=True, capture_output=True)
    return path


def write_report(path: Path | None, report: dict[str, Any]) -> None:
    """A benchmark's figures as JSON for `scripts/bench_summary.py`, when `--json PATH` asked for them."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2) + "\n")
