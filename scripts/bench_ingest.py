"""Ingest of the sample knowledge base: a fresh index, then an unchanged re-ingest, per phase.

Each run is `folio ingest knowledge --index NEW` in a fresh process, then the same again on the
index it made; prints the median over the runs of the process's wall time (interpreter start to
exit), its CPU time (user + system), and each phase of the ingest summary (read: discover, parse,
chunk; diff: the note beside the index or the stored rows; embed_chunks, embed_units; write: the
commit, the full-text index, compaction; refresh: the new snapshot), with the load average.

`--against DIR` runs another checkout of folio (e.g. `git archive main | tar -x -C DIR`) with this
venv, interleaved with this one, run by run: on a shared machine the two see the same load.

    python scripts/bench_ingest.py [--runs 5] [--docs knowledge] [--against DIR] [--json PATH]
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
sys.path.insert(0, str(ROOT))

CHILD = r"""
import json, sys
from folio.runtime import Runtime
from folio.settings import load_settings
settings = load_settings(index_uri=sys.argv[2])
summary = Runtime(settings).ingest(sys.argv[1])
print(json.dumps({"summary": summary.as_dict()}))
"""


def _ingest(docs: Path, index: Path, checkout: Path | None) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLIO_")} | {"FOLIO_LOG_LEVEL": "ERROR"}
    if checkout is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(checkout / "layers" / "common"), str(checkout)])
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


def _load() -> float:
    return os.getloadavg()[0]


def main() -> None:
    from scripts.bench_support import write_report

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--docs", type=Path, default=ROOT / "knowledge")
    parser.add_argument("--against", type=Path, help="another checkout of folio, run interleaved with this one")
    parser.add_argument("--json", type=Path, help="also write the medians here (scripts/bench_summary.py reads them)")
    args = parser.parse_args()
    variants: dict[str, Path | None] = {"this checkout": None}
    if args.against is not None:
        variants[str(args.against)] = args.against.resolve()
    runs: dict[tuple[str, str], list[dict[str, float]]] = {}
    loads = [_load()]
    for _ in range(args.runs):
        for name, checkout in variants.items():
            with tempfile.TemporaryDirectory(prefix="folio-bench-") as tmp:
                for kind in ("fresh index", "unchanged re-ingest"):
                    runs.setdefault((name, kind), []).append(_ingest(args.docs, Path(tmp) / "index", checkout))
        loads.append(_load())
    sys.stdout.write(
        f"ingest of {args.docs.name}/, median of {args.runs} fresh processes, seconds; "
        f"load average {min(loads):.1f}-{max(loads):.1f} (1 min, sampled between runs)\n"
    )
    figures: dict[str, dict[str, dict[str, float]]] = {}
    for (name, kind), measured in runs.items():
        keys = list(dict.fromkeys(k for run in measured for k in run))
        medians = {k: statistics.median(run.get(k, 0.0) for run in measured) for k in keys}
        figures.setdefault(name, {})[kind] = medians
        line = "  ".join(f"{k} {v:.2f}" for k, v in medians.items())
        label = kind if len(variants) == 1 else f"{name}: {kind}"
        sys.stdout.write(f"  {label:20s} {line}\n")
    write_report(args.json, {"runs": args.runs, "load": [min(loads), max(loads)], "figures": figures})


if __name__ == "__main__":
    main()
