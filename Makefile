# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: run test lint bench install install-test clean

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

bench: install-test
	$(BIN)/python -m tests.bench

clean:
	rm -rf $(VENV) var
