# hustings — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install lint typecheck contracts unit clean serve bench i18n

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --require-hashes -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: install
	rm -f demo.db demo.db-wal demo.db-shm
	HUSTINGS_DATABASE_URL=sqlite:///demo.db $(BIN)/hustings demo
	@if [ -z "$$CI" ] && [ -z "$$HUSTINGS_NO_SERVE" ] && $(BIN)/hustings --help | grep -q " serve "; then \
	  HUSTINGS_DATABASE_URL=sqlite:///demo.db $(BIN)/hustings serve --host 127.0.0.1 --port 8000; fi

lint: install
	$(BIN)/ruff check src tests benchmarks

typecheck: install
	$(BIN)/mypy

contracts: install
	$(BIN)/lint-imports

# the suite under coverage, then the per-package thresholds ([tool.hustings.coverage])
unit: install
	$(BIN)/coverage erase
	$(BIN)/coverage run -m pytest
	$(BIN)/coverage json -q -o coverage.json
	$(BIN)/python tests/coverage_check.py coverage.json

test: lint contracts typecheck unit

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm .coverage coverage.json

i18n: install
	BIN=$(BIN) sh scripts/i18n.sh
