# Two commands set up a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INDEX ?= .folio/index
HOST ?= 127.0.0.1
PORT ?= 8000
# Whom the sample knowledge base is about: answers name her (`make run` and `make eval` only).
OWNER ?= Maya Okonkwo-Lindqvist
# tokenizers declares huggingface-hub, which Tokenizer.from_file never uses (~25 MB with its own deps).
NO_HUB := --no-emit-package huggingface-hub --no-emit-package hf-xet --no-emit-package filelock \
	--no-emit-package fsspec --no-emit-package httpx2 --no-emit-package httpcore2 --no-emit-package truststore

.PHONY: runtime install run ingest test lint typecheck validate pytest eval bench model lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# `make run` needs only the runtime lock (what the image ships); `make test` adds the dev tools.
# The image's trim (scripts/trim_site.py) applies here too: the test suite runs on the packages the
# image ships, so a rule removing something folio loads fails it.
PURELIB = "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"

$(VENV)/.runtime: $(BIN)/python requirements.lock pyproject.toml scripts/trim_site.py
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/python scripts/trim_site.py $(PURELIB)
	touch $@

$(VENV)/.installed: $(VENV)/.runtime requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements-dev.lock
	$(BIN)/python scripts/trim_site.py $(PURELIB)
	touch $@

runtime: $(VENV)/.runtime

install: $(VENV)/.installed

## The main job on the embedded default: index the sample knowledge base, serve it on :8000.
run: runtime
	$(BIN)/folio ingest knowledge --index $(INDEX)
	FOLIO_OWNER_NAME="$${FOLIO_OWNER_NAME:-$(OWNER)}" $(BIN)/folio serve --index $(INDEX) --host $(HOST) --port $(PORT)

ingest: install
	$(BIN)/folio ingest knowledge --index $(INDEX)

test: lint typecheck validate pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# The SAM template, transformed offline and linted (plain cfn-lint misses bad SAM values), the
# compose stack through a real compose binary, the alert rules and Alertmanager configuration with
# promtool and amtool. Missing programs are skipped out loud here and fail under CI=true (.ci/run
# sets it and installs them: docker-compose, prometheus, prometheus-alertmanager, redis-server).
validate: install
	$(BIN)/python scripts/validate_infra.py
	$(BIN)/python scripts/validate_compose.py

# Unit, functional and e2e tests with coverage; the e2e suite includes the eval gate
# (tests/e2e/test_eval_gate.py, baseline in knowledge/eval-baseline.json). Tests that need Redis
# start their own redis-server on a free port (installed, not running; never the one on 6379).
pytest: install
	$(BIN)/pytest --cov --cov-report=term

eval: install
	$(BIN)/folio ingest knowledge --index $(INDEX)
	FOLIO_OWNER_NAME="$${FOLIO_OWNER_NAME:-$(OWNER)}" $(BIN)/folio eval knowledge/eval.json --index $(INDEX)

# Every benchmark, then one table of issue #11's targets from the figures they wrote to $(BENCH)
# (scripts/bench_summary.py). The image's venv is built with $(IMAGE_PYTHON), as the Dockerfile's
# python:3.12 does, measured (image_size.py), cold-started (bench_coldstart.py --python), removed.
BENCH ?= .folio/bench
IMAGE_PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) python3.12)
KEPT = "$$($(BIN)/python -c 'import json, sys; print(json.load(open(sys.argv[1]))["kept"])' $(BENCH)/image_size.json)"
bench: install
	mkdir -p $(BENCH)
	$(BIN)/python scripts/image_size.py --python $(IMAGE_PYTHON) --keep --json > $(BENCH)/image_size.json
	$(BIN)/python scripts/bench_coldstart.py --python $(KEPT)/bin/python --json $(BENCH)/coldstart-image.json
	rm -rf "$$(dirname $(KEPT))"
	$(BIN)/python scripts/bench_coldstart.py --json $(BENCH)/coldstart.json
	$(BIN)/python scripts/bench_embeddings.py
	$(BIN)/python scripts/bench_ingest.py --json $(BENCH)/ingest.json
	$(BIN)/python scripts/bench_latency.py --json $(BENCH)/latency.json
	$(BIN)/python scripts/bench_protection.py
	$(BIN)/python scripts/bench_llm_faults.py
	$(BIN)/python scripts/bench_lambda_stream.py
	$(BIN)/python scripts/bench_first_run.py --json $(BENCH)/first_run.json
	$(BIN)/python scripts/bench_summary.py $(BENCH)

# The embedding model (layers/common/folio/data/all-MiniLM-L6-v2-int8.onnx) rebuilt from the original
# fp32 weights in a throwaway venv (scripts/model-build.lock, every package pinned by hash; never
# folio's venv, never PyTorch), written only if it hashes as pinned: the same bytes as the file
# committed. Not part of `make run`: the build venv alone is ~250 MB of downloads (scripts/build_model.py).
MODEL_VENV := .folio/model-venv
model:
	rm -rf $(MODEL_VENV)
	$(PYTHON) -m venv $(MODEL_VENV)
	$(MODEL_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --only-binary :all: \
		--require-hashes -r scripts/model-build.lock
	$(MODEL_VENV)/bin/python scripts/build_model.py
	rm -rf $(MODEL_VENV)

lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra lambda -o requirements.lock --python-version 3.11 $(NO_HUB) --quiet
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements-dev.lock --python-version 3.11 $(NO_HUB) --quiet
	$(BIN)/uv pip compile scripts/model-build.in --no-deps --generate-hashes -o scripts/model-build.lock \
		--python-version 3.11 --quiet

clean:
	rm -rf $(VENV) .folio .mypy_cache .ruff_cache .pytest_cache .coverage
