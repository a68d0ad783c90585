# Two entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint bench clean

# Debian packages the tests and the demo need (scripts/ensure-debian.sh installs them when
# the check fails): Chromium for the browser tests, Tesseract and its English data for OCR.
ENSURE_CHROMIUM := sh scripts/ensure-debian.sh --have '[ -x /usr/bin/chromium ]' chromium
ENSURE_TESSERACT := sh scripts/ensure-debian.sh \
	--have 'command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx eng' \
	tesseract-ocr tesseract-ocr-eng

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(ENSURE_TESSERACT)
	$(BIN)/downline warmup
	$(BIN)/downline demo

test: $(STAMP)
	$(ENSURE_CHROMIUM)
	$(ENSURE_TESSERACT)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/downline warmup
	$(BIN)/python -m pytest

# The quick loop while editing (see docs/architecture.md): no slow statistical checks, no
# browser, no fuzzing (readers, API), no Dask clusters; warm kernels, two pytest-xdist
# workers (one test file per worker at a time). `make test` runs everything.
test-fast: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/downline warmup
	$(BIN)/python -m pytest -q -n 2 --dist loadfile -m "not slow" -k "not dask and not fuzz" \
		--ignore=tests/e2e --ignore=tests/engine --ignore=tests/api/test_schemathesis.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache build dist
