"""The quality gate: the answers on the sample knowledge base (and on a second one no one tuned
for) must not score below the committed floors, with no LLM configured."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from folio.answering import Answerer
from folio.evaluation import EvalSet, evaluate
from folio.index import Index
from folio.ingest import run_ingest
from folio.llm import LLMChain
from folio.retrieval import Retriever
from folio.settings import Settings

if TYPE_CHECKING:
    from folio.embeddings import Embedder

ROOT = Path(__file__).resolve().parents[2]
BASELINE = json.loads((ROOT / "knowledge" / "eval-baseline.json").read_text())

pytestmark = pytest.mark.e2e


def _report(index: Path, embedder: Embedder, eval_file: Path, owner: str) -> dict[str, Any]:
    defaults = Settings(_env_file=None)
    retriever = Retriever(Index(str(index)), embedder, top_k=defaults.top_k, min_similarity=defaults.min_similarity)
    answerer = Answerer(retriever, LLMChain([]), owner=owner)
    return asyncio.run(evaluate(answerer, EvalSet.from_file(eval_file)))


def _assert_floors(report: dict[str, Any], floors: dict[str, float]) -> None:
    answers = report["answers"]
    assert report["retrieval"]["pass_rate"] >= floors["min_pass_rate"], report["retrieval"]
    assert answers["pass_rate"] >= floors["min_answer_pass_rate"], answers
    assert answers["refusals"]["refusal_rate"] >= floors["min_answer_refusal_rate"], answers["refusals"]
    assert answers["near_miss_refusals"]["refusal_rate"] >= floors["min_near_miss_refusal_rate"], answers
    assert set(answers["by_provider"]) <= {"extractive", "none"}


def test_sample_answers_meet_the_baseline(sample_index: Path, embedder: Embedder) -> None:
    tests = EvalSet.from_file(ROOT / "knowledge" / "eval.json")
    assert len(tests.answer_tests) >= 40 and sum(u.near_miss for u in tests.unanswerable) >= 10
    _assert_floors(
        _report(sample_index, embedder, ROOT / "knowledge" / "eval.json", "Maya Okonkwo-Lindqvist"), BASELINE
    )


@pytest.mark.parametrize(
    ("name", "owner"),
    [
        ("kb_alt", "Rafael Quennell-Adeyemi"),
        ("kb_third", "Solveig Amaral-Petrov"),
        ("kb_fourth", "Casimir Thorbecke-Nunes"),
        ("kb_fifth", "Priya Kettleborough"),
        ("kb_sixth", "Rafaela Quistgaard"),
        ("kb_seventh", "Ilse Marrowby"),
        ("kb_eighth", "Ansel Varga-Nkemelu"),
        ("kb_ninth", "Ysolde Tarrant-Okafor"),
        ("kb_tenth", "Teodor Valdés-Kurosawa"),
        ("kb_twelfth", "Rory Dunleavy"),
        ("kb_thirteenth", "Akosua Boateng Figueira"),
        ("kb_fourteenth", "Ingrid Nakamura-Olafson"),
        ("kb_fifteenth", "Tamsin Okonkwo-Halvorsen"),
        ("kb_sixteenth", "Idris Kallenbach-Moyo"),
        ("kb_seventeenth", "Wren Achterberg-Nnamdi"),
        ("kb_eighteenth", "Ansel Quintero-Vogelsang"),
        ("kb_nineteenth", "Ysolde Karamanlis-Brecht"),
        ("kb_twentieth", "Odalys Fenwick-Adebayo"),
        ("kb_twentyfirst", "Benedikt Oyelaran-Sørensen"),
        ("kb_twentysecond", "Marguerite Osei-Halloran"),
        ("kb_twentythird", "Tobiah Lindgren-Achebe"),
        ("kb_twentyfourth", "Dagny Oyelowo-Castellanos"),
        ("kb_twentyfifth", "Kwabena Ferreira-Lindholm"),
        ("kb_twentysixth", "Ottoline Marchetti-Abara"),
        ("kb_twentyseventh", "Lucan Vasquez-Thorsen"),
        ("kb_twentyeighth", "Ilan Marchbank-Quintas"),
        ("kb_twentyninth", "Noémie Haltiwanger-Sato"),
        ("kb_thirtieth", "Merritt Gallacher-Osei"),
        ("kb_thirtyfirst", "Damilare Akintola-Beaumont"),
        ("kb_thirtysecond", "Leontine Abernathy-Mwangi"),
        ("kb_thirtythird", "Bartholomew Okoro-Lindahl"),
        ("kb_thirtyfourth", "Ines Carvalho-Mbeki"),
        ("kb_thirtyfifth", "Tomasz Oyelaran-Whitfield"),
        ("kb_thirtysixth", "Véronique Laflamme"),
        ("kb_thirtyseventh", "Peter Kamau Njoroge"),
        ("kb_thirtyeighth", "Arden Minh Pham"),
        ("kb_thirtyninth", "Catalina Fuentes Morales"),
        ("kb_fortieth", "Jacobus Petrus van Wyk"),
        ("kb_fortysecond", "Luana Takeda Ferraz"),
        ("kb_fortythird", "Thijmen Roelofsma"),
        ("kb_fortyfourth", "Amani Njeri Mwangi"),
    ],
)
def test_other_knowledge_bases_meet_their_baselines(tmp_path: Path, embedder: Embedder, name: str, owner: str) -> None:
    eval_file = ROOT / "tests" / "data" / f"eval_{name.removeprefix('kb_')}.json"
    tests = EvalSet.from_file(eval_file)
    assert len(tests.answer_tests) >= 15 and sum(u.near_miss for u in tests.unanswerable) >= 6
    run_ingest(ROOT / "tests" / "data" / name, Index(str(tmp_path / "index")), embedder)
    _assert_floors(_report(tmp_path / "index", embedder, eval_file, owner), BASELINE[name])
