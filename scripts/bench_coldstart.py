"""Cold start: a fresh process, from interpreter start to the first /api/chat answer.

The chat function's Lambda handler module is imported and invoked with events/chat.json, as the
Lambda runtime would; Groq is the local stub (tests/fakes/llm_server.py). Prints the median over
several fresh processes, and where the time goes inside one.

    python scripts/bench_coldstart.py [--runs 7] [--index PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHILD = """
import json, sys, time
t0 = time.perf_counter()
from functions.chat.handler import handler
t1 = time.perf_counter()
from folio.cli import LambdaContext
event = json.load(open(sys.argv[1]))
response = handler(event, LambdaContext("folio-chat"))
t2 = time.perf_counter()
body = json.loads(response["body"])
assert response["statusCode"] == 200 and body["provider"] == "groq", response
rss = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) / 1024
print(json.dumps({"init": t1 - t0, "first_invoke": t2 - t1, "rss_mb": rss}), flush=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--index", type=Path)
    args = parser.parse_args()

    from scripts.bench_support import sample_index
    from tests.fakes.llm_server import FakeLLM

    index = sample_index(args.index)
    with FakeLLM() as llm:
        llm.reply_text = "She got an A- in Database Internals [1]."
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("FOLIO_", "GROQ_", "OLLAMA_"))},
            "FOLIO_INDEX_URI": str(index),
            "FOLIO_LOG_LEVEL": "ERROR",
            "GROQ_API_KEY": "gsk_bench_stub",
            "GROQ_BASE_URL": llm.url,
        }
        totals, parts = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD, str(ROOT / "events" / "chat.json")],
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            assert child.stdout is not None
            line = child.stdout.readline()  # printed right after the answer: process exit is not counted
            totals.append(time.perf_counter() - started)
            child.wait(timeout=30)
            parts.append(json.loads(line))
    median = statistics.median(totals)
    sys.stdout.write(f"cold start, fresh process -> first /api/chat answer ({args.runs} runs)\n")
    sys.stdout.write(f"  median {median:.3f} s   min {min(totals):.3f} s   max {max(totals):.3f} s\n")
    init = statistics.median(p["init"] for p in parts)
    invoke = statistics.median(p["first_invoke"] for p in parts)
    sys.stdout.write(f"  init (handler import: imports, model, index, clients) median {init:.3f} s\n")
    sys.stdout.write(f"  first invocation                                    median {invoke:.3f} s\n")
    sys.stdout.write(f"  interpreter start                                   median {median - init - invoke:.3f} s\n")
    rss = statistics.median(p["rss_mb"] for p in parts)
    sys.stdout.write(f"  RSS after the answer                                median {rss:.0f} MB\n")


if __name__ == "__main__":
    main()
