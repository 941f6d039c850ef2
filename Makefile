# One entry point. The README's two commands are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The first Python >= 3.12 found (Django 6 needs it); override with `make PYTHON=/path/to/python3`.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 $$HOME/.pyenv/versions/3.14*/bin/python3 \
	$$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	then command -v $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000

.PHONY: help setup run test lint format check-migrations seed bench messages

help:
	@echo "make run    set everything up and serve on http://127.0.0.1:$(PORT)/"
	@echo "make test   run the whole test suite"
	@echo "make setup  virtualenv, dependencies, migrations, real data (idempotent)"
	@echo "make lint   ruff, the import layers and the migrations check"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed
	$(BIN)/python -m public.compile_messages
	$(MANAGE) migrate --no-input
	$(MANAGE) collectstatic --no-input -v0
	$(MAKE) --no-print-directory seed

# The real data, in dependency order; every step is idempotent and prints its counts.
seed:
	$(MANAGE) load_real_data

run: setup
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# Both cores by default (pytest-xdist; each worker its own test database); TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2
test: $(VENV)/.installed
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(MANAGE) makemigrations --check --dry-run

# The translation catalogues (locale/): extract after changing a marked string, translate what is
# new in each language, compile. tests/test_translations.py fails until nothing is left untranslated.
messages: $(VENV)/.installed
	$(MANAGE) makemessages
	$(BIN)/python -m public.compile_messages

check-migrations: $(VENV)/.installed
	$(MANAGE) makemigrations --check --dry-run

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The benchmark (docs/PERFORMANCE.md): our API against Datasette and a SQL floor on synthetic data
# in PostgreSQL databases of its own (crin_bench_*). QUICK=1: S only, short runs (< 5 minutes).
# Its tools live in their own virtualenv (.bench-venv), never in the app's.
BENCH_VENV := .bench-venv
$(BENCH_VENV)/.installed: bench/requirements.txt
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet -r bench/requirements.txt
	touch $@

bench: $(VENV)/.installed $(BENCH_VENV)/.installed
	@command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk"; exit 1; }
	$(BIN)/python bench/run.py $(if $(QUICK),--quick,)
