# Two commands on a fresh machine: `make demo` runs Applyline, `make test` runs the tests.
# Both create the virtualenv on first use and bring up PostgreSQL and Redis through
# scripts/services.py (the configured ones, the local ones, or embedded servers).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/base.txt requirements/dev.txt | cksum | cut -d' ' -f1)
SERVICES := $(BIN)/python scripts/services.py run --

.PHONY: venv demo test lint format bench clean

venv: $(STAMP)

$(STAMP): requirements/base.txt requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

demo: venv
	$(SERVICES) scripts/demo.sh

test: venv
	$(SERVICES) $(BIN)/python -m pytest -q

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: venv
	$(SERVICES) $(BIN)/python bench/ingest.py
	$(SERVICES) $(BIN)/python bench/approval_latency.py
	$(SERVICES) $(BIN)/python bench/throughput.py

clean:
	rm -rf $(VENV) .data .pytest_cache .ruff_cache bench/results
