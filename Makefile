# Developer entry points. The virtualenv lives in .venv; stamp files inside it
# make re-runs cheap: packages are reinstalled only when pyproject.toml changes.

SHELL := /bin/bash
.DEFAULT_GOAL := venv-dev

VENV := .venv
# Interpreter used to create the virtualenv (override: make PYTHON=/path/to/python).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV_PY := $(VENV)/bin/python
PIP := $(VENV_PY) -m pip --disable-pip-version-check

.PHONY: venv venv-dev run test clean

venv: $(VENV)/.stamp-runtime

venv-dev: $(VENV)/.stamp-dev

# Virtualenv itself plus an up-to-date pip.
$(VENV)/.stamp-venv:
	@test -n "$(PYTHON)" || { echo "python3.11/python3 not found" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	@touch $@

# Runtime dependencies only.
$(VENV)/.stamp-runtime: pyproject.toml $(VENV)/.stamp-venv
	$(PIP) install -e .
	@touch $@

# Runtime plus development/test dependencies.
$(VENV)/.stamp-dev: pyproject.toml $(VENV)/.stamp-runtime
	$(PIP) install -e '.[dev]'
	@touch $@

# Migrate, load demo data, start gunicorn + Celery worker/beat (honours PORT, default 8000).
run: venv
	exec scripts/run-embedded

test:
	scripts/test-all

clean:
	rm -rf $(VENV) var/ .pytest_cache/ .mypy_cache/ .ruff_cache/ .import_linter_cache/ htmlcov/ .coverage .coverage.* build/ dist/
	find . -path ./.git -prune -o -name '*.egg-info' -type d -prune -exec rm -rf {} +
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
