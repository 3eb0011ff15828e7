# `make check`: the whole lint suite on this repository (no database needed).
# `make test`:  every test, against a real PostgreSQL with pgTAP.
# Both create .venv and install the pinned dependencies when needed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install check test bench pgtap-ready clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/flake8
	$(BIN)/txlint check .
	$(BIN)/lint-imports
	$(BIN)/txdb schemas check

pgtap-ready:
	scripts/ensure-pgtap.sh

test: install pgtap-ready
	$(BIN)/pytest -q

bench: install pgtap-ready
	$(BIN)/python bench/lint_overhead.py
	$(BIN)/python bench/invariants_scale.py
	$(BIN)/python bench/outbox.py
	$(BIN)/python bench/prune.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache build *.egg-info
