# The two commands of the README, and the rest of the developer loop.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: run test test-unit test-integration test-e2e bench lint system-deps clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-test
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/mockcert run

# Debian's chromium for the browser tests, docker-compose to validate deploy/;
# installed only where we may (root, as on CI), never a downloaded browser.
system-deps:
	@sh scripts/system-deps.sh

test: $(VENV)/.installed-test system-deps
	$(PY) -m pytest $(PYTEST_ARGS)

test-unit: $(VENV)/.installed-test
	$(PY) -m pytest tests/unit $(PYTEST_ARGS)

test-integration: $(VENV)/.installed-test
	$(PY) -m pytest tests/integration $(PYTEST_ARGS)

test-e2e: $(VENV)/.installed-test system-deps
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

bench: $(VENV)/.installed-bench
	$(PY) bench/run_all.py

lint: $(VENV)/.installed-test
	$(PY) -m pip install --quiet ruff
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) build *.egg-info
