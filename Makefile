# Two commands matter: `make serve` and `make test`. Both install what they need first.
# Every Python package comes from requirements.lock (exact versions and hashes); `make lock`
# upgrades it on purpose.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
STAMP := $(VENV)/.installed

.PHONY: install prerequisites serve test lint typecheck unit bench lock clean

$(STAMP): $(LOCK) pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# Re-resolves every dependency to its newest allowed release, with hashes for every platform.
lock: install
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --upgrade --quiet --output-file $(LOCK)
	rm -f $(STAMP)

prerequisites:
	bash scripts/test-prerequisites.sh

serve: install
	$(BIN)/corredor serve --demo

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

unit: install prerequisites
	$(BIN)/pytest

test: lint typecheck unit

bench: install
	$(BIN)/python benchmarks/screening.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
