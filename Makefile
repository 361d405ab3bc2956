# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_CONTENT ?= cms/content/demo.json
DATA_DIR ?= var
STATIC_ROOT ?= $(DATA_DIR)/static

.PHONY: install install-test run demo-reset serve test test-fast lint services services-stop

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

# `make run` serves the demo as a visitor meets it: DEBUG off, so 404 and 500 are the
# site's own pages (never Django's debug pages); static files collected once and served by
# WhiteNoise; e-mails printed here; plain HTTP. BASE_URL, the one base of every absolute
# address (sitemap, calendars, exports, e-mails), and the Wagtail Site record both come
# from HOST and PORT (`manage.py site_address`). The address is the last thing printed.
DEMO_ENV = DEBUG=0 HTTPS=0 BASE_URL=http://$(HOST):$(PORT) \
	ALLOWED_HOSTS=$(HOST),localhost,127.0.0.1,[::1] DATA_DIR=$(DATA_DIR) STATIC_ROOT=$(STATIC_ROOT) \
	EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend REQUEST_LOG_LEVEL=WARNING
STATIC_MANIFEST := $(STATIC_ROOT)/staticfiles.json

# Collected again only when a static file or the installed packages changed.
$(STATIC_MANIFEST): $(VENV)/.installed $(shell find static -type f)
	@$(DEMO_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0

run: install
	@echo "  Préparation de la démonstration (la première fois : une à deux minutes)…"
	@$(MAKE) --silent --no-print-directory $(STATIC_MANIFEST)
	@$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput --verbosity 0
	@$(DEMO_ENV) $(BIN)/python manage.py load_content --if-empty $(DEMO_CONTENT) > /dev/null
	@$(DEMO_ENV) $(BIN)/python manage.py site_address > /dev/null
	@$(DEMO_ENV) $(BIN)/python manage.py serve_demo --skip-checks $(HOST):$(PORT)

# The demo from scratch: the SQLite database and the uploaded files of $(DATA_DIR) are
# deleted, then migrated and loaded again (stop `make run` first). Refused when
# DATABASE_URL names a database: it may be a real site's.
demo-reset: install
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "DATABASE_URL est défini : demo-reset n'efface que la base SQLite de la démonstration. Rien n'a été fait." >&2; \
		exit 1; fi
	@rm -f $(DATA_DIR)/db.sqlite3 $(DATA_DIR)/db.sqlite3-wal $(DATA_DIR)/db.sqlite3-shm
	@rm -rf $(DATA_DIR)/media
	@$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput --verbosity 0
	@$(DEMO_ENV) $(BIN)/python manage.py load_content $(DEMO_CONTENT) > /dev/null
	@$(DEMO_ENV) $(BIN)/python manage.py site_address > /dev/null
	@echo "  Démonstration rechargée : « make run » la sert."

# Production-like: gunicorn (deploy/gunicorn.conf.py), DEBUG=0, static files collected.
# SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL… come from the environment (deploy/README.md).
serve: install
	DEBUG=0 $(BIN)/python manage.py migrate --noinput
	DEBUG=0 $(BIN)/python manage.py site_address
	DEBUG=0 $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DEBUG=0 GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c deploy/gunicorn.conf.py

# Two workers (pytest-xdist), each on a database of its own (test_<name>_gw0, _gw1); a test
# file stays on one worker, so that its module-scoped fixtures (the demo loaded once for
# read-only browser tests, one Chromium) are set up once. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# The slowest tests are listed at the end of the run, so that CI's log shows where the time goes.
test: install-test
	$(PYTEST) --durations=30

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
