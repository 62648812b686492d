# KOL Hub — `make run` to use it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEVSTACK := $(PY) -m kolhub.devstack

.PHONY: install run test check pytest bench lint format clean-data

$(STAMP):
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## Start embedded PostgreSQL + Redis (unless DATABASE_URL / REDIS_URL are set), migrate,
## seed the demo brands, run web + worker + beat. PORT overrides 8000.
run: install
	$(DEVSTACK) run

## Lint, format check, import contract, then the whole pytest suite on real services.
test: install
	$(DEVSTACK) exec -- $(MAKE) --no-print-directory check

check: lint pytest

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

pytest:
	$(PY) -m pytest $(PYTEST_ARGS)

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Every bench/<name>.py, or one: make bench NAME=<name>
bench: install
	$(DEVSTACK) exec -- $(PY) bench/run.py $(NAME)

clean-data:
	rm -rf .data
