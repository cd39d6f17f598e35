# Børnesag – make targets. `make run` and `make test` install everything they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY := .venv/bin/python
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
CHROMIUM := /usr/bin/chromium

.PHONY: help install uv deps npm chromium run test lint check-migrations importlint pytest bench demo clean

help:
	@echo "make run    – start Børnesag på http://127.0.0.1:8000 (installerer, migrerer, demodata)"
	@echo "make test   – alle kvalitetskrav og hele testsuiten"
	@echo "make lint   – ruff check og ruff format --check"
	@echo "make bench  – benchmarks (udskriver tal)"
	@echo "make demo   – opret Demo Kommune igen (tilføjer kun det, der mangler)"

uv:
	@command -v uv >/dev/null 2>&1 || [ -x "$(HOME)/.local/bin/uv" ] || python3 -m pip install --user --quiet uv || python3 -m pip install --quiet uv

deps: uv
	@$(UV) sync --frozen --quiet

npm:
	@[ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error

install: deps npm

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installerer Debians chromium til browsertestene ..."; \
	    (apt-get install -y -q chromium >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null)); \
	  else \
	    echo "Browsertestene kræver Debians pakke 'chromium' ($(CHROMIUM)). Installer den med: sudo apt-get install chromium"; exit 1; \
	  fi; \
	fi

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_seed --if-empty --quiet-logins
	$(PY) manage.py demo_logins
	$(PY) manage.py serve

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_seed

lint: deps
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

check-migrations: deps
	$(PY) manage.py makemigrations --check --dry-run

importlint: deps
	.venv/bin/lint-imports

pytest: install chromium
	$(PY) -m pytest -n 2 --dist loadfile

test: lint check-migrations importlint pytest

bench: install
	$(PY) bench/run.py
	$(PY) bench/casework.py
	$(PY) bench/audit_log.py
	$(PY) bench/plans.py
	$(PY) bench/front_pages.py

clean:
	rm -rf var/static .pytest_cache
