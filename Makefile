# egov-vn: `make run` starts the system with the demo province; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONPATH := src

.PHONY: run install test test-fast lint format messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml requirements/lock.txt
	$(BIN)/pip install --quiet -c requirements/lock.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Set up (virtualenv, packages, database, demo province) and serve on http://$(HOST):$(PORT)
run: install
	$(MANAGE) serve --demo --host $(HOST) --port $(PORT)

## The whole test suite (SQLite by default; DATABASE_URL=postgres://… for PostgreSQL)
test: install
	$(BIN)/pytest -n 2 -q

test-fast: install
	$(BIN)/pytest -q -x --no-header -p no:randomly

## ruff, formatting, mypy, migrations and message catalogue checks
lint: install
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench
	$(BIN)/mypy src
	DJANGO_SETTINGS_MODULE=egov.conf.ci $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=egov.conf.ci $(MANAGE) messages_check

format: install
	$(BIN)/ruff check --fix src bench
	$(BIN)/ruff format src bench

## Update the Vietnamese catalogue from the code, then compile it
messages: install
	DJANGO_SETTINGS_MODULE=egov.conf.ci $(MANAGE) messages_update

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
