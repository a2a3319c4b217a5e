# Two commands on a fresh machine: `make demo` runs Applyline, `make test` runs the tests.
# Both create the virtualenv on first use and bring up PostgreSQL and Redis through
# scripts/services.py (the configured ones, the local ones, or embedded servers).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/base.txt requirements/dev.txt | cksum | cut -d' ' -f1)
SERVICES := $(BIN)/python scripts/services.py run --

.PHONY: venv demo test lint format bench diagram clean

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
	$(SERVICES) $(BIN)/python bench/approval_wakeup.py
	$(SERVICES) $(BIN)/python bench/browser.py

# The state diagrams in docs/, drawn from the models by django-fsm's graph_transitions
# (tests/test_state_diagram.py fails when a committed .dot no longer matches). The command
# writes its nodes and edges from sets: a fixed hash seed keeps the files from reordering.
# Rendering needs Graphviz's programs (apt-get install graphviz); edges back to the first state
# (Queued, Pending) do not set the ranks, so that each picture reads from the top down.
GRAPH := PYTHONHASHSEED=0 $(BIN)/python manage.py graph_transitions
RANKS := E[match(head.name, ".state.queued") >= 0 || match(head.name, ".status.pending") >= 0]{constraint="false"}
LOOK := -Nfontname=sans-serif -Efontname=sans-serif -Gfontname=sans-serif -Efontsize=11 -Efontcolor=gray25

diagram: venv
	$(GRAPH) applications.ApplicationTask > docs/task-states.dot
	$(GRAPH) applications.Application approvals.ApprovalRequest > docs/lock-and-approval-states.dot
	@if command -v dot >/dev/null && command -v gvpr >/dev/null; then \
		for name in task-states lock-and-approval-states; do \
			gvpr -c '$(RANKS)' docs/$$name.dot | dot -Tsvg $(LOOK) -o docs/$$name.svg; \
		done; \
	else \
		echo "Graphviz is not installed (apt-get install graphviz): docs/*.dot written, SVGs not"; \
	fi

clean:
	rm -rf $(VENV) .data .pytest_cache .ruff_cache bench/results
