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

.PHONY: lab test lint bench bench-hub notebooks update site clean help

# JupyterHub's proxy for the real-Hub test (tests/hub/), installed from npm into node_modules/ (never
# globally), at the versions package-lock.json pins. The learners' bundle has no package.json: no proxy.
HUB_PROXY := $(if $(wildcard package.json),node_modules/.bin/configurable-http-proxy)

help:
	@echo "make lab   - open the course in JupyterLab (sets up $(VENV) when needed)"
	@echo "make test  - run every test: unit, notebooks, browser (sets up $(VENV) when needed)"
	@echo "make update - get the course's latest lessons and keep your own work (a git clone)"
	@echo "make bench - speed measurements: grading vs nbgrader, quiz click-to-feedback latency"
	@echo "make bench-hub - a class on one local JupyterHub (LEARNERS=30, MEM_LIMIT=512M for pressure)"
	@echo "make notebooks - regenerate lessons/ and solutions/ from text/, then exercises/ from solutions/"
	@echo "make site  - build the course website into site/ (docs/deploy.md, \"The course website\")"

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
	@echo "En français : lessons/fr/, exercises/fr/; JupyterLab's menus in French: Settings > Language > Français"
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORT) --no-browser \
	  $$( [ "$$(id -u)" = 0 ] && echo --allow-root ) \
	  --ServerApp.root_dir="$(CURDIR)" \
	  --LabApp.default_url=/lab/tree/lessons/00-start-here.ipynb

# Self-study: the merge a Hub's course link does (nbgitpuller), on this clone; your run lessons
# and answers are committed first and win any conflict. Then `make lab` as before.
update: $(STAMP)
	$(BIN)/defence-course update --course "$(CURDIR)"

test: $(STAMP) $(LAB_SETTINGS) $(HUB_PROXY)
	@# Fail fast on style before spending minutes on notebooks and the browser.
	$(BIN)/ruff check .
	@# Then types, strictly (pyproject.toml's [tool.mypy] names each exception and why): a minute
	@# on a cold cache, seconds after.
	$(BIN)/mypy
	@# -n auto --dist loadfile: notebooks run in parallel, each notebook's cells on one worker.
	$(BIN)/python -m pytest -n auto --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

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
# jupytext, keeping the ids of unchanged cells; text/ is only read), so a new lesson needs no change
# here. The same command then generates the exercises from the solutions.
notebooks: $(STAMP)
	$(BIN)/defence-course make-notebooks

# The course website, from the same text sources as the notebooks, with the lessons executed
# (website/conf.py): website/stage.py gathers the pages into .site-build/src (lessons, exercises,
# docs/, the data page; each found by a rule), then Sphinx builds site/. MyST-NB's cache
# (.site-build/jupyter_cache) skips a lesson whose code, and the package, data and banks, are
# unchanged. -W --keep-going: every warning is reported, and any warning fails the build.
# SITE_LANGUAGES: one build per edition; the first at site/, the others at site/<language>/.
SITE_LANGUAGES ?= en
site: $(STAMP)
	@test -d website || { echo "make site needs the course repository: website/ is not in this copy" >&2; exit 1; }
	@# Sphinx builds into .site-build/<language>/html (MyST-NB keeps its executed notebooks beside it,
	@# in .site-build/<language>/jupyter_execute), then site/ gets a fresh copy of every language.
	@set -e; for lang in $(SITE_LANGUAGES); do \
	  $(BIN)/python website/stage.py .site-build/$$lang/src --language $$lang; \
	  SITE_LANGUAGE=$$lang $(BIN)/sphinx-build -b html -W --keep-going -q -c website \
	    -d .site-build/$$lang/doctrees .site-build/$$lang/src .site-build/$$lang/html; \
	done; \
	rm -rf site; first=$(firstword $(SITE_LANGUAGES)); cp -R .site-build/$$first/html site; \
	for lang in $(filter-out $(firstword $(SITE_LANGUAGES)),$(SITE_LANGUAGES)); do \
	  cp -R .site-build/$$lang/html site/$$lang; \
	done
	@echo "site/index.html: open it in a browser, or publish site/ (docs/deploy.md)"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache node_modules site .site-build
