# Two commands: `make run` (the app on embedded defaults) and `make test` (starts the
# PostgreSQL and Redis the tests use if they are down and Chromium if it is missing, then
# lint, the import rules of DESIGN.md through import-linter, the router compiled to C, and
# the test suite).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# Django 6 needs Python 3.12 or newer: take the first one found.
PYTHON ?= $(shell for p in python3.13 python3.12 python3 $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)

# The installer; what it installs is pinned, with hashes, in uv.lock (`make lock` after
# changing pyproject.toml's dependencies). The Dockerfile names the same version.
UV_VERSION := 0.13.9
UV := UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON_DOWNLOADS=never $(BIN)/uv

.PHONY: run test services lint lock superuser bench clean compiled

$(BIN)/uv: Makefile
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	touch $@

# Exactly what uv.lock pins (a stale lock is refused), Blufio itself editable.
$(BIN)/.installed: pyproject.toml uv.lock $(BIN)/uv
	$(UV) sync --locked --quiet --python $(BIN)/python --extra test --extra fit --extra dev --extra compile
	touch $@

lock: $(BIN)/uv
	$(UV) lock

# The router core compiled to C with mypyc, into build/router/; a no-op when it is current
# (routing/compiled.py). `make run` goes on without it (no C compiler: the sources run).
compiled: $(BIN)/.installed
	$(BIN)/python -c 'from routing import compiled; compiled.build()'

run: $(BIN)/.installed
	$(MAKE) --no-print-directory compiled || echo "The router runs from its sources." >&2
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/honcho -f Procfile.dev start

superuser: $(BIN)/.installed
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py createsuperuser

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

services: $(BIN)/.installed
	$(BIN)/python -m tests.services

test: services lint compiled
	$(BIN)/pytest

bench: compiled
	$(BIN)/python bench/route_bench.py
	$(BIN)/python bench/webhook_reply.py
	$(BIN)/python bench/dashboard_bench.py
	$(BIN)/python bench/heartbeat_month.py

clean:
	rm -rf $(VENV) var build .mypy_cache
