# Two commands matter: `make serve` and `make test`. Both install what they need first.
# Every Python package comes from requirements.lock (exact versions and hashes); `make lock`
# upgrades it on purpose.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
STAMP := $(VENV)/.installed

.PHONY: install prerequisites serve test lint typecheck unit i18n-matrix i18n-newest bench lock clean

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

# The whole suite, with branch coverage; the gate (fail_under) is in pyproject.toml.
unit: install prerequisites
	$(BIN)/pytest --cov --cov-report=term:skip-covered

# The language tests again under Babel 2.18.0 (pinned with hashes in tests/web/), the last
# release with CLDR data for Kreyòl: the pages must not depend on the installed CLDR.
BABEL_PREVIOUS := .cache/babel-2.18.0
I18N_TESTS := tests/web/test_i18n.py tests/web/test_screener.py
i18n-matrix: install
	rm -rf $(BABEL_PREVIOUS)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
		--target $(BABEL_PREVIOUS) -r tests/web/babel-2.18.0.txt
	PYTHONPATH=$(BABEL_PREVIOUS) $(BIN)/python -c \
		"import babel; assert babel.__version__ == '2.18.0', babel.__version__"
	PYTHONPATH=$(BABEL_PREVIOUS) $(BIN)/pytest -q -p no:cacheprovider $(I18N_TESTS)

# The same under the newest Babel on PyPI (unpinned on purpose: a canary to run before `make
# lock`, not part of `make test`, whose result must not change with a release).
i18n-newest: install
	rm -rf .cache/babel-newest
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps \
		--target .cache/babel-newest babel
	PYTHONPATH=.cache/babel-newest $(BIN)/pytest -q -p no:cacheprovider $(I18N_TESTS)

test: lint typecheck unit i18n-matrix

bench: install
	$(BIN)/python benchmarks/screening.py

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache .coverage
