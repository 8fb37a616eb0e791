"""A new clone's first `make run`: from `git clone` to /health/ready answering 200.

Clones this checkout's committed HEAD into a temporary folder, runs `make run` there on a free port
and polls /health/ready every 0.2 s; prints the total and each step of the Makefile (the venv, the
runtime lock, folio itself, the trim, the sample's ingest, the server's start), read from when make
echoes each command. pip uses its cache as this machine has it (a machine that never installed
these wheels also downloads them). The clone and its venv are removed afterwards.

    python scripts/bench_first_run.py [--runs 1] [--json PATH]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# What make echoes at the start of each step of `make run`, in order.
STEPS = (
    ("venv", "-m venv"),
    ("runtime lock", "-r requirements.lock"),
    ("folio (editable)", "-e ."),
    ("trim", "trim_site.py"),
    ("ingest", "folio ingest"),
    ("serve until ready", "folio serve"),
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def first_run() -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="folio-first-run-") as tmp:
        clone = Path(tmp) / "folio"
        started = time.perf_counter()
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        cloned = time.perf_counter() - started
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FOLIO_", "GROQ_", "OLLAMA_", "MAKE"))}
        make = subprocess.Popen(
            ["make", "run", f"PORT={port}"],
            cwd=clone,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # make, pip and the server in one process group, ended together
        )
        seen: list[tuple[float, str]] = []

        def read() -> None:
            assert make.stdout is not None
            for line in make.stdout:
                seen.append((time.perf_counter() - started, line))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            while not _ready(port):
                if make.poll() is not None:
                    tail = "".join(line for _, line in seen[-20:])
                    raise SystemExit(f"bench_first_run: make run exited ({make.returncode}):\n{tail}")
                if time.perf_counter() - started > 900:
                    raise SystemExit("bench_first_run: not ready within 900 s")
                time.sleep(0.2)
            total = time.perf_counter() - started
        finally:
            os.killpg(make.pid, signal.SIGTERM)
            make.wait(timeout=30)
            reader.join(timeout=5)
        shutil.rmtree(clone, ignore_errors=True)
    marks = [("clone", 0.0)]
    for name, needle in STEPS:
        at = next((t for t, line in seen if needle in line and not line.startswith("WARNING")), None)
        if at is not None:
            marks.append((name, at))
    steps = {"clone": cloned} | {
        name: (marks[n + 1][1] if n + 1 < len(marks) else total) - at for n, (name, at) in enumerate(marks) if n
    }
    return {"total": total, **steps}


def main() -> None:
    from scripts.bench_support import write_report

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the medians here (scripts/bench_summary.py reads them)")
    args = parser.parse_args()
    loads = [os.getloadavg()[0]]
    runs = []
    for _ in range(args.runs):
        runs.append(first_run())
        loads.append(os.getloadavg()[0])
    medians = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    sys.stdout.write(
        f"fresh clone -> `make run` serving (/health/ready 200), median of {args.runs}, pip's cache as this "
        f"machine has it; load average {min(loads):.1f}-{max(loads):.1f}: {medians['total']:.1f} s\n"
    )
    for key, value in medians.items():
        if key != "total":
            sys.stdout.write(f"  {key:20s} {value:6.1f} s\n")
    write_report(args.json, {"runs": args.runs, "load": [min(loads), max(loads)], "figures": medians})


if __name__ == "__main__":
    main()
