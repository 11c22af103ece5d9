# One command to install and start the tracker, one to run the whole test suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-test install-load run test lint format browser redis nginx clean load-test fault-test

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installed again only when pyproject.toml changes (the stamp files record it).
install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

install-load: $(VENV)/.installed-load

$(VENV)/.installed-load: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[load]"
	touch $@

# Install, migrate, load the Astana codebook into an empty database, and serve.
run: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py bootstrap
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite. Set DATABASE_URL=postgres://... to run it on PostgreSQL.
test: install-test browser
	$(BIN)/pytest

# Debian's Chromium for the browser tests (Playwright's own download is not used).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is not installed: browser tests will be skipped (apt-get install chromium)"; \
	  fi; }

# Debian's Redis for the page cache (the tests and the load test start their own).
redis:
	@command -v redis-server >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; \
	  else \
	    echo "redis-server is not installed: its tests will be skipped (apt-get install redis-server)"; \
	  fi; }

# nginx, for the production-front tests (PostgreSQL only): also from Debian.
nginx:
	@command -v nginx >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq nginx >/dev/null; \
	  else \
	    echo "nginx is not installed: the front tests will be skipped (apt-get install nginx)"; \
	  fi; }

# locust against gunicorn + PostgreSQL (database tracker_load, recreated): 20 users
# for 60 s, then the service's stated load (10 reads/s, a write a minute).
load-test: install-load
	$(BIN)/python scripts/load_test.py --clients 20 --seconds 60
	$(BIN)/python scripts/load_test.py --profile target --seconds 120

fault-test: install-load
	$(BIN)/python scripts/load_test.py --clients 20 --seconds 60 --fault restart-postgres
	$(BIN)/python scripts/load_test.py --clients 20 --seconds 60 --fault kill-worker

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache *.egg-info
