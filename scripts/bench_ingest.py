"""Ingest of the sample knowledge base: a fresh index, then an unchanged re-ingest, per phase.

Each run is `folio ingest knowledge --index NEW --timings` in a fresh process, then the same again
on the index it made; prints the median over the runs of the process's wall time (interpreter
start to exit), its CPU time, and each phase of the ingest summary (read: discover, parse, chunk;
diff: open the index and read the stored rows; embed_chunks, embed_units; write: the commit, the
full-text index, compaction; refresh: the new snapshot).

    python scripts/bench_ingest.py [--runs 5] [--docs knowledge]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys
from folio.runtime import Runtime
from folio.settings import load_settings
settings = load_settings(index_uri=sys.argv[2])
summary = Runtime(settings).ingest(sys.argv[1])
print(json.dumps({"summary": summary.as_dict()}))
"""


def _ingest(docs: Path, index: Path) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLIO_")} | {"FOLIO_LOG_LEVEL": "ERROR"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(docs), str(index)], env=env, check=True, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = json.loads(out.stdout.strip().splitlines()[-1])["summary"]
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"process wall": wall, "process CPU": cpu, "ingest": summary["seconds"], **summary.get("timings", {})}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--docs", type=Path, default=ROOT / "knowledge")
    args = parser.parse_args()
    fresh: list[dict[str, float]] = []
    unchanged: list[dict[str, float]] = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="folio-bench-") as tmp:
            fresh.append(_ingest(args.docs, Path(tmp) / "index"))
            unchanged.append(_ingest(args.docs, Path(tmp) / "index"))
    sys.stdout.write(f"ingest of {args.docs.name}/, median of {args.runs} fresh processes, seconds\n")
    for name, runs in (("fresh index", fresh), ("unchanged re-ingest", unchanged)):
        keys = list(dict.fromkeys(k for run in runs for k in run))
        figures = "  ".join(f"{k} {statistics.median(run.get(k, 0.0) for run in runs):.2f}" for k in keys)
        sys.stdout.write(f"  {name:20s} {figures}\n")


if __name__ == "__main__":
    main()
