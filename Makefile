# Two commands do all set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Running as root (containers, CI): Chromium refuses to start sandboxed, so the app is
# told openly to run without the web sandbox. Never done silently for normal users.
ROOT_OPTS := $(if $(filter 0,$(shell id -u)),--no-web-sandbox,)

.PHONY: setup run test lint bench package screenshots clean

$(STAMP): pyproject.toml uv.lock scripts/bootstrap.sh
	@scripts/bootstrap.sh

setup: $(STAMP)

ROOT_NOTICE := make run: running as root: the game view runs WITHOUT Chromium's sandbox (--no-web-sandbox).

run: $(STAMP)
	@$(if $(ROOT_OPTS),echo "$(ROOT_NOTICE)")
	$(VENV)/bin/lm-console gui $(ROOT_OPTS)

# ruff and mypy (rules in pyproject.toml) and the layers and no-cycles contracts.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

test: lint
	$(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) -m benchmarks $(BENCH_ARGS)

package: $(STAMP)
	$(PY) packaging/build.py

screenshots: $(STAMP)
	$(PY) scripts/screenshots.py

clean:
	rm -rf build dist .pytest_cache
