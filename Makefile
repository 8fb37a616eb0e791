PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# tokenizers declares huggingface-hub, which Tokenizer.from_file never uses (~25 MB with its deps).
NO_HUB := --no-emit-package huggingface-hub --no-emit-package hf-xet --no-emit-package filelock \
	--no-emit-package fsspec --no-emit-package httpx2 --no-emit-package httpcore2 --no-emit-package truststore

.PHONY: install lock run test lint typecheck eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements-dev.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --no-deps -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml -o requirements.lock --python-version 3.11 $(NO_HUB) --quiet
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements-dev.lock --python-version 3.11 $(NO_HUB) --quiet
