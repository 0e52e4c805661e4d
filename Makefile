# Two commands do all set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
# VENV=.venv-3.13 PYTHON=/path/to/python3.13 keeps a second interpreter's venv beside the first.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Running as root (containers, CI): Chromium refuses to start sandboxed, so the app is
# told openly to run without the web sandbox. Never done silently for normal users.
ROOT_OPTS := $(if $(filter 0,$(shell id -u)),--no-web-sandbox,)

.PHONY: setup run capture test lint bench package deb screenshots clean

$(STAMP): pyproject.toml uv.lock scripts/bootstrap.sh
	@VENV=$(VENV) scripts/bootstrap.sh

setup: $(STAMP)

ROOT_NOTICE := make run: running as root: the game view runs WITHOUT Chromium's sandbox (--no-web-sandbox).

SHOT ?= shot.png
CAPTURE := $(strip $(VENV)/bin/lm-console capture --out $(SHOT) $(ROOT_OPTS))

run: $(STAMP)
	@$(if $(ROOT_OPTS),echo "$(ROOT_NOTICE)")
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY$$QT_QPA_PLATFORM" ]; then \
	  echo "make run: no display found (DISPLAY/WAYLAND_DISPLAY unset): for a screenshot of a launched game run 'make capture' (= $(CAPTURE))" >&2; \
	  exit 1; fi
	$(VENV)/bin/lm-console gui $(ROOT_OPTS)

# A game launched from the embedded sandbox, saved as $(SHOT): works without a display.
capture: $(STAMP)
	$(CAPTURE)

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

# dist/luckymonaco-console_<version>_<arch>.deb from the bundle `make package` built and tested.
deb: package
	$(PY) packaging/deb.py

screenshots: $(STAMP)
	$(PY) scripts/screenshots.py

clean:
	rm -rf build dist .pytest_cache
