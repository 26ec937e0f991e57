# The project's entry points. Each target sets up its own environment in .venv on first use:
# pip installs uv (pinned with hashes in requirements/uv.txt), and uv installs every other
# package from uv.lock, exact versions with hashes, never resolving afresh.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
STAMP := $(VENV)/.synced

.PHONY: setup lock reports notebooks test lint format benchmarks clean

$(UV): requirements/uv.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --quiet --require-hashes --no-deps -r requirements/uv.txt
	touch $(UV)

$(STAMP): $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --inexact --extra test --quiet
	touch $(STAMP)

setup: $(STAMP)  ## the environment of uv.lock in .venv (fails when pyproject.toml and uv.lock disagree)

lock: $(UV)  ## refresh uv.lock to the newest versions pyproject.toml allows
	$(UV) lock --upgrade

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
