"""Cold start: a fresh process, from its start to the first /api/chat answer, two ways.

1. Lambda: the chat function's handler module is imported and invoked with events/chat.json, as
   the Lambda runtime would (the clock stops when the child prints, right after the answer).
2. `folio serve`: the process is started and POST /api/chat is tried every 5 ms until it answers
   200 (the clock stops at the answer; "listening" is the first accepted connection).

Groq is the local stub (tests/fakes/llm_server.py) in both. The two alternate run by run, and with
`--against DIR` another checkout of folio (`git archive main | tar -x -C DIR`) runs interleaved
with this one, on the same interpreter: on a shared machine each sees the same load. `--python`
measures another venv's interpreter, e.g. the image's (`scripts/image_size.py --keep` keeps one).
Prints the medians and the load average; `--json PATH` also writes them for scripts/bench_summary.py.

    python scripts/bench_coldstart.py [--runs 7] [--index PATH] [--python PY] [--against DIR]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
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
QUESTION = json.dumps({"message": "What grade did she get in Database Internals?"})


def _env(checkout: Path | None, base: dict[str, str]) -> dict[str, str]:
    env = dict(base)
    if checkout is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(checkout / "layers" / "common"), str(checkout)])
    return env


def _rss_mb(pid: int) -> float:
    return int(Path(f"/proc/{pid}/status").read_text().split("VmRSS:")[1].split()[0]) / 1024


def lambda_run(python: str, cwd: Path, env: dict[str, str]) -> dict[str, float]:
    started = time.perf_counter()
    child = subprocess.Popen(
        [python, "-c", CHILD, str(ROOT / "events" / "chat.json")],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline()  # printed right after the answer: process exit is not counted
    total = time.perf_counter() - started
    child.wait(timeout=30)
    if not line:
        raise SystemExit(f"bench_coldstart: the Lambda handler did not answer (exit {child.returncode})")
    return {"total": total, **json.loads(line)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_run(python: str, cwd: Path, env: dict[str, str], index: Path) -> dict[str, float]:
    port = _free_port()
    command = [python, "-m", "folio.cli", "serve", "--index", str(index), "--port", str(port)]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    listening = None
    try:
        while time.perf_counter() - started < 60:
            if child.poll() is not None:
                raise SystemExit(f"bench_coldstart: folio serve exited ({child.returncode})")
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=30)
            except OSError:
                time.sleep(0.005)
                continue
            listening = time.perf_counter() - started
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.sock = sock
            connection.request("POST", "/api/chat", QUESTION, {"content-type": "application/json"})
            response = connection.getresponse()
            body = json.loads(response.read())
            total = time.perf_counter() - started
            if response.status != 200 or body.get("provider") != "groq":
                raise SystemExit(f"bench_coldstart: folio serve answered {response.status}: {body}")
            return {"total": total, "listening": listening, "rss_mb": _rss_mb(child.pid)}
        raise SystemExit("bench_coldstart: folio serve did not answer within 60 s")
    finally:
        child.terminate()
        child.wait(timeout=15)


def _median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--index", type=Path)
    parser.add_argument("--python", default=sys.executable, help="the interpreter (its venv) to measure")
    parser.add_argument("--against", type=Path, help="another checkout of folio, run interleaved with this one")
    parser.add_argument("--json", type=Path, help="also write the medians here")
    args = parser.parse_args()

    from scripts.bench_support import sample_index, write_report
    from tests.fakes.llm_server import FakeLLM

    index = sample_index(args.index)
    variants: dict[str, Path | None] = {"this checkout": None}
    if args.against is not None:
        variants[str(args.against)] = args.against.resolve()
    runs: dict[tuple[str, str], list[dict[str, float]]] = {}
    loads = [os.getloadavg()[0]]
    with FakeLLM() as llm:
        llm.reply_text = "She got an A- in Database Internals [1]."
        base = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("FOLIO_", "GROQ_", "OLLAMA_"))},
            "FOLIO_INDEX_URI": str(index),
            "FOLIO_LOG_LEVEL": "ERROR",
            "GROQ_API_KEY": "gsk_bench_stub",
            "GROQ_BASE_URL": llm.url,
        }
        for _ in range(args.runs):
            for name, checkout in variants.items():
                env, cwd = _env(checkout, base), checkout or ROOT
                runs.setdefault((name, "lambda"), []).append(lambda_run(args.python, cwd, env))
                runs.setdefault((name, "serve"), []).append(serve_run(args.python, cwd, env, index))
            loads.append(os.getloadavg()[0])

    python = subprocess.run(
        [args.python, "-c", "import platform; print(platform.python_version())"], capture_output=True, text=True
    ).stdout.strip()
    out = sys.stdout.write
    out(
        f"cold start, fresh process -> first /api/chat answer, Python {python}, median of {args.runs} "
        f"(load average {min(loads):.1f}-{max(loads):.1f}, 1 min, sampled between runs)\n"
    )
    figures: dict[str, dict[str, float]] = {}
    for name in variants:
        lam, srv = runs[(name, "lambda")], runs[(name, "serve")]
        figures[name] = {
            "lambda_s": _median(lam, "total"),
            "lambda_init_s": _median(lam, "init"),
            "lambda_invoke_s": _median(lam, "first_invoke"),
            "lambda_rss_mb": _median(lam, "rss_mb"),
            "serve_s": _median(srv, "total"),
            "serve_listening_s": _median(srv, "listening"),
            "serve_rss_mb": _median(srv, "rss_mb"),
        }
        f = figures[name]
        if len(variants) > 1:
            out(f"{name}:\n")
        out(
            f"  Lambda handler (Mangum)  {f['lambda_s']:.3f} s (min {min(r['total'] for r in lam):.3f}, "
            f"max {max(r['total'] for r in lam):.3f}): init {f['lambda_init_s']:.3f} s (imports, model, index, "
            f"clients), first invocation {f['lambda_invoke_s']:.3f} s; RSS {f['lambda_rss_mb']:.0f} MB\n"
            f"  folio serve              {f['serve_s']:.3f} s (min {min(r['total'] for r in srv):.3f}, "
            f"max {max(r['total'] for r in srv):.3f}): listening at {f['serve_listening_s']:.3f} s; "
            f"RSS {f['serve_rss_mb']:.0f} MB\n"
        )
    write_report(args.json, {"python": python, "runs": args.runs, "load": [min(loads), max(loads)], "figures": figures})


if __name__ == "__main__":
    main()
