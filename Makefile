# Pilote — two commands: `make run` (serve the demo on 127.0.0.1:8000) and `make test` (everything CI checks).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DEMO_ENV := PILOTE_DEMO=1

.PHONY: run test test-db lint bench install install-dev chromium pdf-libs migrate demo serve clean

$(VENV)/.base-installed: requirements/base.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -r requirements/base.txt
	@touch $@

$(VENV)/.dev-installed: requirements/dev.txt requirements/base.txt $(VENV)/.base-installed
	@$(PY) -m pip install --quiet -r requirements/dev.txt
	@touch $@

install: $(VENV)/.base-installed
install-dev: $(VENV)/.dev-installed

# WeasyPrint (PDF of fiches, purchase plans) needs Pango from Debian; without HarfBuzz-Subset it warns at import,
# which the test settings turn into an error.
pdf-libs:
	@{ ldconfig -p | grep -q libpangoft2-1.0 && ldconfig -p | grep -q libharfbuzz-subset; } || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core >/dev/null; }

migrate: install pdf-libs
	@mkdir -p var
	@$(PY) manage.py migrate --noinput -v 0

demo: migrate
	@$(DEMO_ENV) $(PY) manage.py demo
	@$(DEMO_ENV) $(PY) manage.py decp demo

serve:
	@$(DEMO_ENV) $(PY) manage.py serve --bind 127.0.0.1:8000

run: demo serve

# Browser tests drive Debian's chromium (no browser download is possible here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: install-dev
	@mkdir -p var
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/djlint --lint pilote
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

test-db: install-dev chromium pdf-libs
	$(VENV)/bin/pytest -n 2 -p no:randomly

test: lint test-db

# `make bench` (200,000 records, ~10-15 min on 2 idle cores); national scale: make bench BENCH_ARGS="--n 1600000"
bench: install-dev
	$(PY) bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/staticfiles
