"""The container's entrypoint as a real process: uvicorn without a Runtime API, awslambdaric with one.

What `docker run IMAGE` and Lambda do with the image, without Docker: the Lambda side runs against
tests/fakes/lambda_runtime.py, which speaks the Runtime API as the Lambda service does.
"""

from __future__ import annotations

import fnmatch
import importlib
import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from folio.cli import FUNCTIONS
from folio.entrypoint import main
from tests.conftest import ROOT
from tests.fakes.lambda_runtime import FakeLambdaRuntime
from tests.support.lambdas import load_event
from tests.support.processes import clean_environ, free_port, stop, wait_until_answering

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from folio.settings import Settings
    from tests.fakes.llm_server import FakeLLM

pytestmark = pytest.mark.e2e

DOCKERFILE = ROOT / "Dockerfile"
HEALTHCHECK_PATH = "/openapi.json"
CITED = "She got an A- [2] in Database Internals, a course on storage engines and query planning."
DEV_ONLY = {"pytest", "pytest-cov", "mypy", "ruff", "moto", "cfn-lint", "aws-sam-translator", "types-pyyaml"}


def _start(cwd: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "folio.entrypoint", *args],
        cwd=cwd,  # no .env from the work tree
        env=clean_environ(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _healthcheck_command() -> list[str]:
    """The Dockerfile's HEALTHCHECK command, run by this interpreter (the image's is on its PATH)."""
    lines = DOCKERFILE.read_text().splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("HEALTHCHECK "))
    command: list[str] = json.loads(lines[start + 1].strip().removeprefix("CMD "))
    assert command[0] == "python"
    return [sys.executable, *command[1:]]


def _wait_live(process: subprocess.Popen[str], port: int) -> str:
    url = f"http://127.0.0.1:{port}"
    wait_until_answering(process, f"{url}/health/live")
    return url


def test_without_a_runtime_api_uvicorn_serves_the_function(sample_index: Path, tmp_path: Path) -> None:
    port = free_port()
    process = _start(tmp_path, "health", FOLIO_PORT=str(port), FOLIO_INDEX_URI=str(sample_index))
    try:
        url = _wait_live(process, port)
        ready = httpx.get(f"{url}/health/ready", timeout=5)
        assert ready.status_code == 200, ready.text
        assert httpx.get(f"{url}/api/chat", timeout=5).status_code == 404, "only the health function is served"
        healthcheck = subprocess.run(
            _healthcheck_command(), env={**os.environ, "FOLIO_PORT": str(port)}, capture_output=True, timeout=10
        )
        assert healthcheck.returncode == 0, healthcheck.stderr
    finally:
        _, stderr = stop(process)
    # uvicorn shuts down gracefully (lifespan on), then re-raises the SIGTERM it caught (hence -15).
    assert process.returncode in (0, -15), stderr
    logged = _json_lines(stderr)  # uvicorn's own lines are folio's JSON too, without colour codes
    assert "\\u001b" not in stderr and not any("color_message" in line for line in logged)
    messages = [line["message"] for line in logged]
    assert "Application shutdown complete." in messages and "Traceback" not in stderr
    ready_line = next(line for line in logged if line["message"] == "request" and line["path"] == "/health/ready")
    assert ready_line["status"] == 200 and ready_line["request_id"] == ready.headers["x-request-id"]


def test_a_failed_warm_up_is_logged_and_ready_says_why(tmp_path: Path) -> None:
    port = free_port()
    process = _start(tmp_path, "health", FOLIO_PORT=str(port), FOLIO_INDEX_URI=str(tmp_path / "no-index"))
    try:
        url = _wait_live(process, port)
        ready = httpx.get(f"{url}/health/ready", timeout=5)
    finally:
        _, stderr = stop(process)
    assert ready.status_code == 503 and "index" in ready.json()["error"]["message"]
    assert "not ready at start-up" in stderr and "Traceback" not in stderr


def test_with_a_runtime_api_awslambdaric_runs_the_handler(sample_index: Path, tmp_path: Path) -> None:
    with FakeLambdaRuntime(function_name="folio-chat") as api:
        process = _start(
            tmp_path,
            "chat",
            AWS_LAMBDA_RUNTIME_API=api.address,
            AWS_LAMBDA_FUNCTION_NAME="folio-chat",  # set by Lambda, read into the context object
            FOLIO_INDEX_URI=str(sample_index),
        )
        try:
            chat_id = api.invoke(load_event("chat.json"))
            warmup_id = api.invoke(load_event("warmup.json"))
            chat = api.outcome(chat_id, timeout=60)
            warmup = api.outcome(warmup_id, timeout=10)
        finally:
            stdout, stderr = stop(process)
    assert chat.kind == "response", (chat, stderr)
    assert chat.body["statusCode"] == 200
    answer = json.loads(chat.body["body"])
    assert answer["grounded"] and answer["sources"] and "[1]" in answer["answer"]
    assert answer["request_id"] == "9f1c2a4e-0b6d-4c1e-9a53-1d2e3f4a5b60", "the Function URL request id is used"
    assert warmup.kind == "response", (warmup, stderr)
    assert warmup.body["ok"] is True
    assert not api.init_errors
    logged = _json_lines(stderr)
    request = next(line for line in logged if line["message"] == "request")
    assert request["cold_start"] is True and request["function_name"] == "folio-chat"
    assert request["correlation_id"] == answer["request_id"] and request["function_request_id"] == chat_id
    ignored = next(line for line in logged if line["message"] == "ignored a non-HTTP event")
    assert ignored["cold_start"] is False and ignored["function_request_id"] == warmup_id
    emf = [json.loads(line) for line in stdout.splitlines() if line.startswith('{"_aws"')]
    assert [line.get("cold_starts") for line in emf] == [[1.0]], "one EMF flush, for the chat invocation"


def test_with_a_streaming_url_the_runtime_api_loop_streams_the_answer(
    sample_index: Path, tmp_path: Path, fake_llm: FakeLLM
) -> None:
    """FOLIO_LAMBDA_INVOKE_MODE=response_stream, as the SAM template sets it for the chat function:
    the answer's first events reach the Runtime API while the LLM is held mid-answer; the JSON route
    and a malformed event answer through the same streamed path; a warm-up ping is answered whole."""
    fake_llm.reply_text = CITED
    fake_llm.hold_after = 6  # the role chunk and "She got an A- [2] "
    with FakeLambdaRuntime(function_name="folio-chat") as api:
        process = _start(
            tmp_path,
            "chat",
            AWS_LAMBDA_RUNTIME_API=api.address,
            AWS_LAMBDA_FUNCTION_NAME="folio-chat",
            FOLIO_LAMBDA_INVOKE_MODE="response_stream",
            FOLIO_INDEX_URI=str(sample_index),
            GROQ_API_KEY="gsk_fake_key_for_tests",
            GROQ_BASE_URL=fake_llm.url,
            FOLIO_LLM_MAX_RETRIES="0",
        )
        try:
            stream_id = api.invoke(load_event("chat-stream.json"))
            try:
                so_far = api.wait_received(stream_id, b"event: token", timeout=60)
                llm = fake_llm.wait_held(60)
                assert llm.get("held") and llm["stream"] == "streaming", "the LLM has not finished"
                assert not api.finished(stream_id)
            finally:
                fake_llm.release.set()
            streamed = api.outcome(stream_id, timeout=30).streamed
            json_id = api.invoke(load_event("chat.json"))
            malformed_id = api.invoke(load_event("chat.json", requestContext={"http": {"method": "POST"}}))
            warmup_id = api.invoke(load_event("warmup.json"))
            plain, malformed = api.outcome(json_id, timeout=30).streamed, api.outcome(malformed_id, timeout=30).streamed
            warmup = api.outcome(warmup_id, timeout=30)
        finally:
            stdout, stderr = stop(process)
    assert b"event: sources" in so_far and b"event: done" not in so_far
    assert streamed is not None and streamed.problems == [], stderr
    assert streamed.status == 200 and streamed.headers["content-type"].startswith("text/event-stream")
    assert streamed.text().rstrip().split("\n\n")[-1].startswith("event: done")
    assert '"provider":"groq"' in streamed.text() and fake_llm.wait_stream_ended(30)["stream"] == "finished"
    assert plain is not None and plain.problems == [] and plain.status == 200
    assert json.loads(plain.payload)["grounded"] is True
    assert malformed is not None and malformed.problems == [] and malformed.status == 400
    assert json.loads(malformed.payload)["error"]["code"] == "bad_request"
    assert warmup.kind == "response" and warmup.body["ok"] is True
    assert not api.init_errors and "Traceback" not in stderr
    logged = _json_lines(stderr)
    requests = [line for line in logged if line["message"] == "request"]
    assert [line["status"] for line in requests] == [200, 200], "one line per request, not two"
    assert requests[0]["cold_start"] is True and requests[0]["function_request_id"] == stream_id
    assert requests[0]["correlation_id"] == "4d7e0b1c-6a2f-4e8b-b3c9-5f0a1d2e3c4b"
    emf = [json.loads(line) for line in stdout.splitlines() if line.startswith('{"_aws"')]
    assert len(emf) == 3, "one EMF flush per HTTP invocation"


def test_a_handler_that_cannot_be_loaded_is_posted_as_the_init_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FOLIO_LAMBDA_INVOKE_MODE", "response_stream")
    monkeypatch.setitem(sys.modules, "functions.chat.handler", None)  # importing it raises ImportError
    with FakeLambdaRuntime() as api:
        monkeypatch.setenv("AWS_LAMBDA_RUNTIME_API", api.address)
        assert main(["entrypoint", "chat"]) == 1
        error = api.wait_init_error(timeout=5)
    assert error.error_type == "Runtime.ImportModuleError"
    assert error.body["errorType"] == "ModuleNotFoundError" and "functions.chat.handler" in error.body["errorMessage"]


def _json_lines(text: str) -> list[dict[str, Any]]:
    """Every line of a log stream, each of which must be one JSON object."""
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert lines and all(isinstance(line, dict) for line in lines)
    return lines


def test_the_function_comes_from_the_environment_when_not_given(sample_index: Path, tmp_path: Path) -> None:
    with FakeLambdaRuntime(function_name="folio-health") as api:
        process = _start(
            tmp_path, AWS_LAMBDA_RUNTIME_API=api.address, FOLIO_FUNCTION="health", FOLIO_INDEX_URI=str(sample_index)
        )
        try:
            outcome = api.outcome(api.invoke(load_event("health-ready.json")), timeout=60)
        finally:
            _, stderr = stop(process)
    assert outcome.kind == "response", (outcome, stderr)
    assert outcome.body["statusCode"] == 200
    assert json.loads(outcome.body["body"])["status"] == "ok"


def test_invalid_settings_exit_2_with_one_readable_message(tmp_path: Path) -> None:
    process = _start(tmp_path, "chat", FOLIO_ENV="production")
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "production settings refused" in stderr and "FOLIO_ALLOWED_ORIGINS" in stderr
    assert "Traceback" not in stderr and not stdout


def test_invalid_settings_on_lambda_are_posted_as_the_init_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FOLIO_ENV", "production")
    with FakeLambdaRuntime() as api:
        monkeypatch.setenv("AWS_LAMBDA_RUNTIME_API", api.address)
        assert main(["entrypoint", "chat"]) == 2
        error = api.wait_init_error(timeout=5)
    assert error.error_type == "Runtime.ConfigInvalid"
    assert error.body["errorType"] == "ConfigError"
    assert "FOLIO_ADMIN_KEY" in error.body["errorMessage"]
    assert "production settings refused" in capsys.readouterr().err


def test_an_unknown_function_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AWS_LAMBDA_RUNTIME_API", raising=False)
    monkeypatch.delenv("FOLIO_FUNCTION", raising=False)
    assert main(["entrypoint", "admin"]) == 2
    assert "unknown function 'admin'" in capsys.readouterr().err
    assert main(["entrypoint"]) == 2
    assert "no function given: pass one of chat, health, ingest" in capsys.readouterr().err


def test_an_unreachable_runtime_api_does_not_hide_the_settings_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AWS_LAMBDA_RUNTIME_API", f"127.0.0.1:{free_port()}")
    assert main(["entrypoint", "nope"]) == 2
    err = capsys.readouterr().err
    assert "unknown function 'nope'" in err and "could not report the init error" in err


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_function_serves_the_image_healthcheck_path(
    function: str, make_settings: Callable[..., Settings]
) -> None:
    assert HEALTHCHECK_PATH in " ".join(_healthcheck_command())
    app = importlib.import_module(f"functions.{function}.app").create_app(make_settings())
    assert HEALTHCHECK_PATH in {getattr(route, "path", None) for route in app.routes}


def test_the_image_installs_the_runtime_lock_and_runs_the_entrypoint() -> None:
    dockerfile = DOCKERFILE.read_text()
    lock = (ROOT / "requirements.lock").read_text().splitlines()
    pins = {line.split("==")[0].lower() for line in lock if "==" in line and not line.startswith("#")}
    assert "pip install --no-deps -r requirements.lock" in dockerfile and "requirements-dev.lock" not in dockerfile
    assert "awslambdaric" in pins and not pins & DEV_ONLY
    assert 'ENTRYPOINT ["python", "-m", "folio.entrypoint"]' in dockerfile
    assert "useradd --uid 10001" in dockerfile


def test_the_image_stays_buildable_by_sam_local_invoke() -> None:
    """SAM CLI builds its emulator image on top of ours with a RUN that moves a file into
    /var/rapid: only root can, so the image sets no USER (compose and Lambda pick the user)."""
    final_stage = DOCKERFILE.read_text().rsplit("\nFROM ", 1)[1]
    assert not [line for line in final_stage.splitlines() if line.startswith("USER")]


def _ignored(path: str, rules: list[str]) -> bool:
    """.dockerignore semantics, enough for this repository: the last rule matching the path or a
    folder above it decides, and a rule starting with "!" takes the path back."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    ignored = False
    for rule in rules:
        pattern = rule.removeprefix("!")
        if any(fnmatch.fnmatch(prefix, pattern) for prefix in prefixes):
            ignored = not rule.startswith("!")
    return ignored


def test_everything_the_dockerfile_copies_is_in_the_build_context() -> None:
    lines = DOCKERFILE.read_text().splitlines()
    args = [line.removeprefix("ARG ") for line in lines if line.startswith("ARG ")]
    defaults = dict(arg.split("=", 1) for arg in args if "=" in arg)
    sources = [
        source.replace("${DOCS_DIR}", defaults["DOCS_DIR"])
        for line in lines
        if line.startswith("COPY ") and "--from=" not in line
        for source in line.split()[1:-1]
    ]
    assert "scripts/trim_site.py" in sources and "knowledge" in sources
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    rules = [line.strip() for line in ignore if line.strip() and not line.startswith("#")]
    for source in sources:
        assert (ROOT / source).exists(), source
        assert not _ignored(source, rules), f"{source} is copied but .dockerignore leaves it out"
    assert _ignored("scripts/bench_latency.py", rules) and _ignored("tests", rules), "the rules are read"
