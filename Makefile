# Two commands for everyone: `make lab` opens the course, `make test` runs every test.
# Both create the virtual environment on first use and reinstall only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The stamp records the pyproject.toml the venv was built from: make compares their times,
# so a second `make test` reinstalls nothing.
STAMP  := $(VENV)/.installed
LAB_SETTINGS := $(VENV)/.lab-settings
PORT   ?= 8888
# The learners' bundle (`defence-course release`) ships this Makefile without tests/: there only
# the packages for JupyterLab are installed, not the test tools.
EXTRAS := $(if $(wildcard tests),test,lab)

.PHONY: lab test lint bench bench-hub notebooks clean help

# JupyterHub's proxy for the real-Hub test (tests/hub/), installed from npm into node_modules/ (never
# globally), at the versions package-lock.json pins. The learners' bundle has no package.json: no proxy.
HUB_PROXY := $(if $(wildcard package.json),node_modules/.bin/configurable-http-proxy)

help:
	@echo "make lab   - open the course in JupyterLab (sets up $(VENV) when needed)"
	@echo "make test  - run every test: unit, notebooks, browser (sets up $(VENV) when needed)"
	@echo "make bench - speed measurements: grading vs nbgrader, quiz click-to-feedback latency"
	@echo "make bench-hub - a class on one local JupyterHub (LEARNERS=30, MEM_LIMIT=512M for pressure)"
	@echo "make notebooks - regenerate lessons/ and solutions/ from text/, then exercises/ from solutions/"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# PyPI is sometimes slow from a classroom network: three bounded tries before giving up.
	@for try in 1 2 3; do \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check --retries 3 --timeout 60 \
	    -e ".[$(EXTRAS)]" && exit 0; \
	  echo "pip install failed (try $$try of 3); retrying in 5 s" >&2; sleep 5; \
	done; exit 1
	@touch $(STAMP)

# The course's JupyterLab settings (config/install_lab_settings.py says what each does: no news
# pop-up, no widget state in saved notebooks, a readable line length), reinstalled when they change.
# Binder's postBuild and the hub recipes in docs/deploy.md run the same script.
$(LAB_SETTINGS): $(STAMP) config/install_lab_settings.py config/jupyterlab-overrides.json config/custom.css \
  config/kernel-culling.json
	@$(BIN)/python config/install_lab_settings.py $(VENV) >/dev/null
	@touch $@

ifneq ($(HUB_PROXY),)
$(HUB_PROXY): package.json package-lock.json
	@# Without npm the Hub test is skipped on a laptop (and fails in CI, where .ci/run installs npm),
	@# as the browser tests are without Chromium. The npm registry is sometimes slow: three bounded tries.
	@if ! command -v npm >/dev/null 2>&1; then \
	  echo "npm not found: tests/hub/ (the real JupyterHub test) will be skipped; apt-get install nodejs npm" >&2; \
	  exit 0; \
	fi; \
	for try in 1 2 3; do \
	  npm ci --no-audit --no-fund --loglevel=error && touch $@ && exit 0; \
	  echo "npm ci failed (try $$try of 3); retrying in 5 s" >&2; sleep 5; \
	done; exit 1
endif

lab: $(STAMP) $(LAB_SETTINGS)
	@# Loopback only and no browser launch, so it also works on a headless machine or over SSH;
	@# JupyterLab prints the URL (with its token) to open.
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORT) --no-browser \
	  $$( [ "$$(id -u)" = 0 ] && echo --allow-root ) \
	  --ServerApp.root_dir="$(CURDIR)" \
	  --LabApp.default_url=/lab/tree/lessons/00-start-here.ipynb

test: $(STAMP) $(LAB_SETTINGS) $(HUB_PROXY)
	@# Fail fast on style before spending minutes on notebooks and the browser.
	$(BIN)/ruff check .
	@# -n auto --dist loadfile: notebooks run in parallel, each notebook's cells on one worker.
	$(BIN)/python -m pytest -n auto --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .

# Measurements, not tests: each prints ratios against an anchor measured in the same run, because
# absolute times on a shared machine mean little. The grading one installs nbgrader once into
# .benchmarks/ (PyPI access needed the first time).
bench: $(STAMP)
	$(BIN)/python benchmarks/grading.py
	$(BIN)/python benchmarks/quiz_latency.py

# A class at once on a local JupyterHub (docs/deploy.md, "Capacity"): needs the Hub's proxy from npm,
# as the Hub test does. Not part of `make bench` (it takes minutes and most of the machine).
LEARNERS ?= 30
bench-hub: $(STAMP) $(LAB_SETTINGS) $(HUB_PROXY)
	$(BIN)/python benchmarks/hub_load.py --learners $(LEARNERS) $(if $(MEM_LIMIT),--mem-limit $(MEM_LIMIT))

# The MyST Markdown files in text/ are the sources of the lessons and solutions (docs/editing-lessons.md);
# the .ipynb learners open are generated from them, without outputs, and tests/test_text_sources.py
# fails when a pair is out of sync. Every text/lessons/*.md and text/solutions/*.md is converted (by
# jupytext, keeping the ids of unchanged cells), so a new lesson needs no change here. Exercises are
# generated from the solutions last.
notebooks: $(STAMP)
	$(BIN)/python -m tests.text_sources write
	$(BIN)/defence-course make-exercises

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache node_modules
