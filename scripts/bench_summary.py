"""One table of every target of issue #11, from the figures the benchmarks wrote with `--json`.

    python scripts/bench_summary.py DIR [--markdown]

DIR holds what `make bench` writes: coldstart.json and coldstart-image.json (bench_coldstart.py on
the development venv and on the image's venv), latency.json (bench_latency.py), ingest.json
(bench_ingest.py), image_size.json (image_size.py) and first_run.json (bench_first_run.py). A file
that is missing is a row "not measured"; nothing is timed here.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any, NamedTuple


class Row(NamedTuple):
    figure: str
    today: str
    target: str
    met: str


def _load(folder: Path, name: str) -> Any:
    path = folder / name
    return json.loads(path.read_text()) if path.is_file() else None


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _row(
    figure: str, values: list[float | None], target: float, unit: str, *, at_least: bool = False, digits: int = 1
) -> Row:
    """A row whose target holds for every value (`<= target`, or `>= target` with at_least)."""
    if any(value is None for value in values):
        return Row(figure, "not measured", "", "")
    shown = " / ".join(f"{value:.{digits}f}" for value in values if value is not None)
    met = all((value >= target) if at_least else (value <= target) for value in values if value is not None)
    return Row(figure, f"{shown} {unit}", f"{'≥' if at_least else '≤'} {target:g} {unit}", "met" if met else "not met")


def rows(folder: Path) -> list[Row]:
    latency = _load(folder, "latency.json")
    http = _get(latency, "http")

    def served(mode: str, *keys: str) -> float | None:
        value = _get(http, mode, "this checkout", *keys)
        return None if value is None else float(value)

    def process(name: str, *keys: str) -> float | None:
        value = _get(_load(folder, name), *keys)
        return None if value is None else float(value)

    out = [
        _row(
            "API CPU per distinct question over HTTP (`folio serve`, stub LLM, 1 client)",
            [served("stub LLM", "distinct, 1 client", "cpu_ms")],
            10,
            "ms",
            digits=2,
        ),
        _row(
            "the same with no LLM (extractive answers)",
            [served("no LLM", "distinct, 1 client", "cpu_ms")],
            15,
            "ms",
            digits=2,
        ),
        _row(
            "distinct questions, 10 concurrent clients (stub LLM / no LLM)",
            [served("stub LLM", "distinct, 10 clients", "rps"), served("no LLM", "distinct, 10 clients", "rps")],
            300,
            "req/s",
            at_least=True,
            digits=0,
        ),
        _row(
            "warm in-process p50, distinct questions (Mangum handler; instant LLM / no LLM)",
            [
                process("latency.json", "in_process", "distinct", "p50_ms"),
                process("latency.json", "in_process", "distinct, no LLM (extractive)", "p50_ms"),
            ],
            5,
            "ms",
            digits=2,
        ),
        _row(
            "peak RSS of `folio serve` after 1,000 distinct answers (stub LLM / no LLM)",
            [served("stub LLM", "peak_mb"), served("no LLM", "peak_mb")],
            250,
            "MB",
            digits=0,
        ),
    ]
    for name, venv in (("coldstart.json", "development venv"), ("coldstart-image.json", "the image's venv")):
        python = _get(_load(folder, name), "python") or "?"
        out.append(
            _row(
                f"cold start, fresh process → first answer, Lambda handler / `folio serve` ({venv}, Python {python})",
                [
                    process(name, "figures", "this checkout", "lambda_s"),
                    process(name, "figures", "this checkout", "serve_s"),
                ],
                0.7,
                "s",
                digits=2,
            )
        )
    out += [
        _row(
            "ingest of the sample (12 files, 52 chunks) into a fresh index: summary / whole process",
            [
                process("ingest.json", "figures", "this checkout", "fresh index", "ingest"),
                process("ingest.json", "figures", "this checkout", "fresh index", "process wall"),
            ],
            3,
            "s",
            digits=2,
        ),
        _row(
            "unchanged re-ingest: summary / whole process",
            [
                process("ingest.json", "figures", "this checkout", "unchanged re-ingest", "ingest"),
                process("ingest.json", "figures", "this checkout", "unchanged re-ingest", "process wall"),
            ],
            0.8,
            "s",
            digits=2,
        ),
        _row(
            "fresh clone → `make run` serving (pip's cache warm)",
            [process("first_run.json", "figures", "total")],
            120,
            "s",
            digits=0,
        ),
        _row(
            "shipped runtime (the image's venv, trimmed and compiled)",
            [process("image_size.json", "image_venv_mb")],
            350,
            "MB",
            digits=0,
        ),
    ]
    return out


def _machine(folder: Path) -> str:
    loads = [
        _get(_load(folder, name), "load")
        for name in ("coldstart.json", "coldstart-image.json", "ingest.json", "first_run.json")
    ]
    loads.append(_get(_load(folder, "latency.json"), "load"))
    seen = [value for pair in loads if pair for value in pair]
    load = f"load average {min(seen):.1f}-{max(seen):.1f} during the runs" if seen else "load average not recorded"
    return (
        f"{time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()} (development venv), {load}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--markdown", action="store_true", help="a Markdown table (for the README)")
    args = parser.parse_args()
    table = rows(args.folder)
    out = sys.stdout.write
    out(f"issue #11 targets: {_machine(args.folder)}\n")
    if args.markdown:
        out("| figure | today | target | |\n| --- | --- | --- | --- |\n")
        for row in table:
            out(f"| {row.figure} | {row.today} | {row.target} | {row.met} |\n")
        return
    widths = [max(len(row[i]) for row in [Row("figure", "today", "target", ""), *table]) for i in range(4)]
    for row in [Row("figure", "today", "target", ""), *table]:
        out("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() + "\n")


if __name__ == "__main__":
    main()
