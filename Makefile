# The project's entry points. Each target sets up its own environment in .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: reports notebooks test lint format benchmarks clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

reports: $(STAMP)  ## render every report from the bundled evidence into reports/ (offline HTML + index)
	$(BIN)/massage-evidence reports

notebooks: $(STAMP)  ## re-run the notebooks in place, keeping the outputs of their defaults for nbval
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.record_timing=False notebooks/*.ipynb

test: $(STAMP)  ## lint, then every test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

benchmarks: $(STAMP)
	$(BIN)/python benchmarks/load.py
	$(BIN)/python benchmarks/synthesis.py
	$(BIN)/python benchmarks/batch.py

clean:
	rm -rf $(VENV) reports/*.html reports/notebooks reports/assets reports/.receipts
