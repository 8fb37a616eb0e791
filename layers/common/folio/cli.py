"""The `folio` command: ingest, ask, serve, eval, feedback, invoke."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import sys
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from folio.errors import ConfigError, FolioError
from folio.settings import Settings, load_settings, unknown_variable_warnings

if TYPE_CHECKING:
    from collections.abc import Sequence

    from starlette.applications import Starlette

    from folio.runtime import Runtime
    from folio.schemas import FeedbackEntry, FeedbackList
    from folio.store import Store

FUNCTIONS = ("chat", "health", "ingest")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        overrides = {k: v for k, v in (("index_uri", getattr(args, "index", None)),) if v is not None}
        settings = load_settings(**overrides)
        if args.run not in (_serve, _invoke):  # these build apps, which log the start-up warnings
            for warning in unknown_variable_warnings(settings):
                _err(f"folio: warning: {warning}")
        code: int = args.run(args, settings)
        return code
    except ConfigError as exc:
        _err(f"folio: {exc.message}")
        return 2
    except FolioError as exc:
        _err(f"folio: {_described(exc)}")
        return 1
    except KeyboardInterrupt:
        return 130


def _described(exc: FolioError) -> str:
    """On the operator's own terminal, the internal detail too."""
    return f"{exc.message} ({exc.internal})" if exc.internal else exc.message


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="folio", description="Cited answers from one person's documents.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="index a folder of documents (incremental)")
    p.add_argument("dir", nargs="?", help="documents folder or s3://bucket/prefix (default: FOLIO_DOCS_DIR)")
    p.add_argument("--index", help="index location: a folder or s3:// URI (default: FOLIO_INDEX_URI)")
    p.add_argument("--timings", action="store_true", help="print the seconds each phase took")
    p.set_defaults(run=_ingest)

    p = sub.add_parser("ask", help="answer one question from the index")
    p.add_argument("question")
    p.add_argument("--index")
    p.add_argument("--doc-type")
    p.add_argument("--json", action="store_true", help="print the same JSON as POST /api/chat")
    p.set_defaults(run=_ask)

    p = sub.add_parser("serve", help="serve chat, health and ingest under one uvicorn")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--index")
    p.set_defaults(run=_serve)

    p = sub.add_parser("eval", help="measure retrieval and the answers on a question set")
    p.add_argument("file", nargs="?", type=Path, help="eval JSON (default: <docs dir>/eval.json)")
    p.add_argument("--index")
    p.add_argument("--json", action="store_true")
    p.add_argument("--min-pass-rate", type=float, help="exit 1 when the retrieval pass rate is below this")
    p.add_argument("--min-refusal-rate", type=float, help="exit 1 when the relevance floor refuses fewer")
    p.add_argument("--min-answer-rate", type=float, help="exit 1 when the answer pass rate is below this")
    p.add_argument(
        "--min-answer-refusal-rate", type=float, help="exit 1 when the whole answer path refuses fewer near misses"
    )
    p.set_defaults(run=_eval)

    p = sub.add_parser("feedback", help="list visitors' feedback on answers, down-voted first")
    p.add_argument("--since", default="7d", type=_duration, help="how far back: 30m, 24h, 7d (default), 2w")
    p.add_argument("--json", action="store_true", help="print the same JSON as GET /api/feedback")
    p.add_argument("--url", help="ask this running folio (GET URL/api/feedback, with FOLIO_ADMIN_KEY)")
    p.set_defaults(run=_feedback)

    p = sub.add_parser("invoke", help="run a function's Lambda handler on an event file, like `sam local invoke`")
    p.add_argument("function", choices=FUNCTIONS)
    p.add_argument("event", type=Path)
    p.add_argument(
        "--stream",
        action="store_true",
        help="answer as a RESPONSE_STREAM Function URL is answered: the prelude, then the body as it is written",
    )
    p.set_defaults(run=_invoke)
    return parser


def _runtime(settings: Settings) -> Runtime:
    from folio.runtime import Runtime

    return Runtime(settings)


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    location = str(args.dir) if args.dir else settings.docs_dir
    summary = _runtime(settings).ingest(location, progress=_progress_bar() if sys.stderr.isatty() else None)
    _out(f"ingested {location} into {settings.index_uri}")
    _out(summary.describe())
    if args.timings:
        _out(f"timings: {summary.describe_timings()}")
    return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from folio.answering import ask
    from folio.schemas import ChatRequest

    rt = _runtime(settings)
    request = ChatRequest.model_validate({"message": args.question, "doc_type": args.doc_type})

    async def run() -> Any:
        try:
            return await ask(rt.answerer, request, request_id=uuid.uuid4().hex)
        finally:
            await rt.aclose()

    response = asyncio.run(run())
    if args.json:
        _out(response.model_dump_json(indent=2))
        return 0
    _out(response.answer)
    for source in response.sources:
        where = " > ".join(part for part in (source.title, source.section) if part)
        _out(f"  [{source.n}] {where}" + (f" <{source.url}>" if source.url else ""))
    _out(f"({response.provider})")
    return 0


def combined_app(settings: Settings, runtime: Runtime | None = None) -> Starlette:
    """chat + health + ingest in one app sharing one runtime, for local use."""
    from folio.application import build_app

    modules = [importlib.import_module(f"functions.{name}.app") for name in FUNCTIONS]
    routes = [route for module in modules for route in module.ROUTES]
    operations = [op for module in modules for op in module.OPERATIONS]
    return build_app(routes, operations, settings, runtime or _runtime(settings))


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from folio.application import serve

    settings = settings.model_copy(update={k: v for k, v in (("host", args.host), ("port", args.port)) if v})
    app = combined_app(settings)
    try:
        app.state.runtime.warm()
    except FolioError as exc:
        _err(f"folio: not ready yet ({_described(exc)}); /health/ready will say so")
    serve(app, settings)
    return 0


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from folio.evaluation import EvalSet, evaluate

    path = args.file or Path(settings.docs_dir) / "eval.json"
    rt = _runtime(settings)

    async def run() -> dict[str, Any]:
        try:
            return await evaluate(rt.answerer, EvalSet.from_file(path))
        finally:
            await rt.aclose()

    report = asyncio.run(run())
    if args.json:
        _out(json.dumps(report, indent=2))
    else:
        _out("\n".join(_describe(report)))
    answers = report["answers"]
    checks = [
        ("retrieval pass rate", report["retrieval"]["pass_rate"], args.min_pass_rate),
        ("relevance-floor refusal rate", report["unanswerable"]["refusal_rate"], args.min_refusal_rate),
        ("answer pass rate", answers["pass_rate"], args.min_answer_rate),
        ("near-miss refusal rate", answers["near_miss_refusals"]["refusal_rate"], args.min_answer_refusal_rate),
    ]
    failed = [f"{name} {value} < {floor}" for name, value, floor in checks if floor is not None and value < floor]
    for line in failed:
        _err(f"folio eval: below baseline: {line}")
    return 1 if failed else 0


def _describe(report: dict[str, Any]) -> list[str]:
    r, u, a = report["retrieval"], report["unanswerable"], report["answers"]
    lines = [
        f"retrieval: {r['passed']}/{r['total']} passed ({r['pass_rate']:.1%}), recall@5 {r['recall_at_5']:.3f}, "
        f"MRR {r['mrr']:.3f}, mean context {r['mean_context_chars']:.0f} chars",
        f"unanswerable (relevance floor): {u['refused']}/{u['total']} refused ({u['refusal_rate']:.1%})",
    ]
    if r["failures"]:
        lines.append("retrieval failed: " + ", ".join(r["failures"]))
    lines.append(f"answers: {a['passed']}/{a['total']} passed ({a['pass_rate']:.1%})")
    for provider, tally in sorted(a["by_provider"].items()):
        failures = f"; failed: {', '.join(tally['failures'])}" if tally["failures"] else ""
        lines.append(f"  {provider}: {tally['passed']}/{tally['total']} ({tally['pass_rate']:.1%}){failures}")
    for label, key in (("unanswerable (whole answer path)", "refusals"), ("near misses", "near_miss_refusals")):
        tally = a[key]
        missed = f"; answered: {', '.join(tally['failures'])}" if tally["failures"] else ""
        lines.append(f"{label}: {tally['refused']}/{tally['total']} refused ({tally['refusal_rate']:.1%}){missed}")
    return lines


def _duration(text: str) -> str:
    from folio.feedback import parse_duration

    try:
        parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return text


def _feedback(args: argparse.Namespace, settings: Settings) -> int:
    """From the shared store when one is configured (and no --url); otherwise from a running folio,
    by default the local one (`folio serve`, `make run`), which holds it in its memory."""
    from folio.secrets import Secrets
    from folio.store.failover import primary_store

    secrets = Secrets(settings)
    store = None if args.url else primary_store(settings, secrets)
    if store is not None:
        listing = asyncio.run(_feedback_in(store, settings.store_prefix, args.since))
    else:
        url = args.url or f"http://{settings.host}:{settings.port}"
        listing = _feedback_from(url, args, secrets.value("admin_key"))
    if args.json:
        _out(listing.model_dump_json(indent=2))
        return 0
    down = sum(1 for entry in listing.entries if entry.rating == "down")
    _out(f"{down} down, {len(listing.entries) - down} up since {listing.since:%Y-%m-%d %H:%M} UTC")
    if listing.truncated:
        _out(f"(only the latest {len(listing.entries)}: ask for a shorter --since)")
    for entry in listing.entries:
        _out("\n".join(_describe_feedback(entry)))
    return 0


async def _feedback_in(store: Store, prefix: str, since_text: str) -> FeedbackList:
    from datetime import UTC, datetime, timedelta

    from folio.errors import Unavailable
    from folio.feedback import newest, parse_duration
    from folio.schemas import FeedbackList
    from folio.store import StoreUnavailable

    since = datetime.now(UTC) - timedelta(seconds=parse_duration(since_text))
    try:
        entries, truncated = await newest(store, prefix, since)
    except StoreUnavailable as exc:
        raise Unavailable("The store cannot be reached.", internal=str(exc)) from exc
    finally:
        await store.aclose()
    return FeedbackList(entries=entries, since=since, truncated=truncated, request_id=uuid.uuid4().hex)


def _feedback_from(url: str, args: argparse.Namespace, admin_key: str | None) -> FeedbackList:
    import httpx

    from folio.errors import Unavailable
    from folio.schemas import FeedbackList

    headers = {"authorization": f"Bearer {admin_key}"} if admin_key else {}
    endpoint = f"{url.rstrip('/')}/api/feedback"
    try:
        response = httpx.get(endpoint, params={"since": args.since}, headers=headers, timeout=30)
    except httpx.HTTPError as exc:
        hint = "" if args.url else " (no REDIS_URL or UPSTASH_REDIS_REST_URL: feedback lives in the serving process)"
        raise Unavailable(f"No folio answers at {url}{hint}.", internal=f"{type(exc).__name__}: {exc}") from exc
    if response.status_code != 200:
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = response.text[:200]
        raise FolioError(f"{url} answered {response.status_code}: {message}")
    return FeedbackList.model_validate_json(response.content)


def _describe_feedback(entry: FeedbackEntry) -> list[str]:
    lines = [f"{entry.rating.upper():4}  {entry.at:%Y-%m-%d %H:%M}  {entry.answer_id}"]
    if entry.comment:
        lines.append(f"      comment: {entry.comment}")
    answered = entry.answered
    if answered is None:
        lines.append("      (the answer was no longer kept)")
        return lines
    answer = answered.answer if len(answered.answer) <= 300 else answered.answer[:300] + "…"
    lines += [f"      question: {answered.question}", f"      answer ({answered.provider}): {answer}"]
    for source in answered.sources:
        where = " > ".join(part for part in (source.title, source.section) if part)
        lines.append(f"        [{source.n}] {where}" + (f" <{source.url}>" if source.url else ""))
    return lines


class LambdaContext:
    """The attributes of a Lambda context object that handlers and Powertools read."""

    def __init__(self, function_name: str, timeout_seconds: float = 30.0) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:000000000000:function:{function_name}"
        self.memory_limit_in_mb = 1024
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(int((self._deadline - time.monotonic()) * 1000), 0)


def _invoke(args: argparse.Namespace, _settings: Settings) -> int:
    try:
        event = json.loads(args.event.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read event {args.event}: {exc}") from exc
    module = importlib.import_module(f"functions.{args.function}.handler")
    context = LambdaContext(f"folio-{args.function}")
    result = module.handler.stream(event, context, PrintedStream()) if args.stream else module.handler(event, context)
    if result is not None:
        _out(json.dumps(result, indent=2))
    return 0


class PrintedStream:
    """A response stream on stdout: the prelude Lambda is sent (one JSON line), then the body
    written as it arrives (the 8 NUL bytes between them left out: a terminal shows them badly)."""

    async def start(self, status: int, headers: Sequence[tuple[bytes, bytes]]) -> None:
        from folio.runtime_api import http_prelude

        _out(http_prelude(status, headers).decode())

    async def write(self, data: bytes) -> None:
        sys.stdout.write(data.decode(errors="replace"))
        sys.stdout.flush()

    async def close(self) -> None:
        sys.stdout.flush()

    async def abort(self, message: str) -> None:
        _err(f"\nthe response was cut short: {message}")


def _progress_bar() -> Any:
    def show(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\rembedding [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
