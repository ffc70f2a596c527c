# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: run test lint bench bench-micro install install-test clean screenshots

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## make run: install, migrate, load the demo world, serve on http://127.0.0.1:8000 with a
## background worker beside it; Ctrl-C stops both (the worker finishes or hands back its job).
run: install
	$(BIN)/repigment migrate
	$(BIN)/repigment demo --no-logins
	$(BIN)/repigment worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/repigment serve

## make test: install the test tools and run the whole suite (ARGS="-k name" to narrow)
test: install-test
	$(BIN)/python -m pytest $(ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

## make bench SCALE=N: build N synthetic patients, measure pages, API lists, remind and load
## through gunicorn, write bench/results.md (DATABASE_URL for PostgreSQL); bench-micro: the
## clinical core and a few pages in-process on the small demo world. Both bench targets end
## with the registry report over 100,000 patients / 1,000,000 visits (issue 14: <= 1 s);
## make bench then times the REDCap import of 100,000 rows (issue 15: >= 20,000 rows/s).
SCALE ?= 2000
bench: install-test
	$(BIN)/python -m tests.bench_scale --scale $(SCALE)
	$(BIN)/python -m tests.bench_registry
	$(BIN)/python -m tests.bench_redcap

bench-micro: install-test
	$(BIN)/python -m tests.bench

clean:
	rm -rf $(VENV) var

## make screenshots: the README's 390 px pictures (docs/screenshots/), taken by the role walks
screenshots: install-test
	mkdir -p docs/screenshots
	REPIGMENT_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/browser/test_walks.py -q -k "public_visitor and 390 or each_role"
