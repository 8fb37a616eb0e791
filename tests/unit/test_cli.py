"""The `folio` command, in-process and (for invoke) as the installed entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from folio.cli import main

if TYPE_CHECKING:
    from folio.embeddings import Embedder
    from tests.fakes.llm_server import FakeLLM

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


@pytest.fixture(autouse=True)
def _no_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No .env of the repository (the shell's settings are removed by tests/conftest.py)."""
    monkeypatch.chdir(tmp_path)


def test_ingest_and_eval_on_another_folder_and_eval_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index = str(tmp_path / "alt-index")
    assert main(["ingest", str(DATA / "kb_alt"), "--index", index]) == 0
    out = capsys.readouterr().out
    assert "4 files" in out and "added" in out and "timings" not in out
    assert main(["ingest", str(DATA / "kb_alt"), "--index", index, "--timings"]) == 0
    assert "timings: read " in capsys.readouterr().out
    assert main(["eval", str(DATA / "eval_alt.json"), "--index", index, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"retrieval", "unanswerable", "answers"}
    assert set(report["retrieval"]) == {
        "total",
        "passed",
        "pass_rate",
        "recall_at_5",
        "mrr",
        "mean_context_chars",
        "failures",
    }
    assert set(report["unanswerable"]) == {"total", "refused", "refusal_rate"}
    assert report["retrieval"]["total"] == 8 and report["unanswerable"]["total"] == 13
    assert {"total", "passed", "pass_rate", "failures"} <= set(report["answers"])
    assert report["answers"]["total"] == 25 and set(report["answers"]["by_provider"]) <= {"extractive", "none"}
    assert report["retrieval"]["pass_rate"] >= 0.75


def test_eval_gate_fails_below_the_baseline(sample_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["eval", str(ROOT / "knowledge" / "eval.json"), "--index", str(sample_index)]
    assert main([*args, "--min-pass-rate", "1.01"]) == 1
    assert "below baseline: retrieval pass rate" in capsys.readouterr().err
    assert main([*args, "--min-answer-rate", "1.01", "--min-answer-refusal-rate", "0.5"]) == 1
    out, err = capsys.readouterr()
    assert "below baseline: answer pass rate" in err and "near-miss refusal rate" not in err
    assert "answers:" in out and "near misses:" in out


def test_ask_prints_the_api_json(sample_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "Which university awarded her master's degree?", "--index", str(sample_index), "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["grounded"] and body["provider"] == "extractive" and body["sources"]


def test_ask_uses_groq_when_configured(
    sample_index: Path, fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GROQ_API_KEY", "gsk_fake_for_tests")
    monkeypatch.setenv("GROQ_BASE_URL", fake_llm.url)
    fake_llm.reply_text = "Vestmark Institute of Technology [1]."
    assert main(["ask", "Which university awarded her master's degree?", "--index", str(sample_index)]) == 0
    out = capsys.readouterr().out
    assert "Vestmark Institute of Technology [1]." in out and "[1] " in out and "(groq)" in out


def test_ask_with_a_missing_index_says_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "hello there", "--index", str(tmp_path / "none")]) == 1
    assert "folio ingest" in capsys.readouterr().err


def test_an_index_of_another_model_is_refused_until_ingest_re_embeds_it(
    tmp_path: Path, other_embedder: Embedder, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN an index whose vectors another model made WHEN asked THEN folio names both models and
    the command; `folio ingest` says why it re-embeds everything, and the index answers again."""
    from folio.embeddings import model_identity
    from folio.index import OTHER_MODEL, Index
    from folio.ingest import run_ingest

    index = str(tmp_path / "index")
    run_ingest(DATA / "kb_alt", Index(index), other_embedder)
    ours = model_identity(None, None, 256)
    assert main(["ask", "What does Rafael work on?", "--index", index]) == 1
    err = capsys.readouterr().err
    assert OTHER_MODEL in err and f"embedded by {other_embedder.identity}; this folio embeds with {ours}" in err

    assert main(["ingest", str(DATA / "kb_alt"), "--index", index]) == 0
    out = capsys.readouterr().out
    assert f"re-embedded everything: the index was embedded by {other_embedder.identity}" in out
    assert main(["ask", "What does Rafael work on?", "--index", index]) == 0
    assert main(["ingest", str(DATA / "kb_alt"), "--index", index]) == 0
    assert "re-embedded" not in capsys.readouterr().out


def test_ingest_with_a_model_that_cannot_load_says_so_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The model loads only once there is text to embed; its failure is still the command's."""
    model = tmp_path / "broken.onnx"
    model.write_bytes(b"not an onnx graph" * 100)
    monkeypatch.setenv("FOLIO_MODEL_PATH", str(model))
    assert main(["ingest", str(DATA / "kb_alt"), "--index", str(tmp_path / "index")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("folio: The embedding model could not be loaded. (loading the embedding model at")
    assert "Traceback" not in err and "Exception in thread" not in err


def _invoke(sample_index: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`folio invoke ARGS` in a process of its own, on the sample index, with no LLM."""
    env = {**os.environ, "FOLIO_INDEX_URI": str(sample_index), "FOLIO_LOG_LEVEL": "WARNING"}
    env.pop("GROQ_API_KEY", None)
    command = [sys.executable, "-m", "folio.cli", "invoke", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=120, check=False)


def test_invoke_runs_the_real_handler_module(sample_index: Path, tmp_path: Path) -> None:
    done = _invoke(sample_index, tmp_path, "chat", str(ROOT / "events" / "chat.json"))
    assert done.returncode == 0, done.stderr
    response = json.loads(done.stdout)
    assert response["statusCode"] == 200
    assert "DSY518" in json.loads(response["body"])["answer"]


def test_invoke_stream_prints_the_prelude_then_the_events(sample_index: Path, tmp_path: Path) -> None:
    done = _invoke(sample_index, tmp_path, "chat", str(ROOT / "events" / "chat-stream.json"), "--stream")
    assert done.returncode == 0, done.stderr
    prelude, body = done.stdout.split("\n", 1)
    head = json.loads(prelude)
    assert head["statusCode"] == 200 and head["headers"]["content-type"].startswith("text/event-stream")
    assert head["cookies"] == []
    names = [line.removeprefix("event: ") for line in body.splitlines() if line.startswith("event: ")]
    assert names == ["sources", "token", "done"]


def test_invoke_with_a_missing_event_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invoke", "health", "/nonexistent/event.json"]) == 2
    assert "cannot read event" in capsys.readouterr().err


def test_feedback_refuses_a_window_it_cannot_read(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["feedback", "--since", "a fortnight"])
    assert exited.value.code == 2 and "not a duration like 30m, 24h, 7d or 2w" in capsys.readouterr().err
