# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_CONTENT ?= cms/content/demo.json

.PHONY: install install-test run serve test test-fast lint services services-stop

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# axe-core, injected into pages by the accessibility checks of the browser tests.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install-test: $(VENV)/.installed-test node_modules/axe-core/axe.min.js

run: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_content --if-empty $(DEMO_CONTENT)
	@echo ""
	@echo "  Intranet de la convention : http://$(HOST):$(PORT)/"
	@echo "  Administration : http://$(HOST):$(PORT)/admin/  (comptes de démonstration dans README.md)"
	@echo ""
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production-like: gunicorn (deploy/gunicorn.conf.py), DEBUG=0, static files collected.
# SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL… come from the environment (deploy/README.md).
serve: install
	DEBUG=0 $(BIN)/python manage.py migrate --noinput
	DEBUG=0 $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DEBUG=0 GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c deploy/gunicorn.conf.py

# Two workers (pytest-xdist), each on a database of its own (test_<name>_gw0, _gw1); a test
# file stays on one worker, so that its module-scoped fixtures (the demo loaded once for
# read-only browser tests, one Chromium) are set up once. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

test: install-test
	$(PYTEST)

# Everything but the browser tests, for local work (CI runs `make test`).
test-fast: install-test
	$(PYTEST) -m "not browser"

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/lint-imports
	$(BIN)/mypy

# A local Elasticsearch 8 node on 127.0.0.1:$(ES_PORT) (tests start their own when ELASTICSEARCH_URL is unset).
services:
	deploy/elasticsearch/run.sh start

services-stop:
	deploy/elasticsearch/run.sh stop
