# The project's entry points. Each target sets up its own environment in .venv on first use:
# pip installs uv (pinned with hashes in requirements/uv.txt), and uv installs every other
# package from requirements/lock.txt, exact versions with hashes, never resolving afresh.
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

$(STAMP): $(UV) requirements/lock.txt requirements/build.txt pyproject.toml
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes --compile-bytecode \
		requirements/lock.txt
	$(UV) pip install --quiet --python $(BIN)/python --no-deps \
		--build-constraints requirements/build.txt --editable .
	touch $(STAMP)

setup: $(STAMP)  ## the environment of requirements/lock.txt in .venv, and the project (editable)

# `make lock` refreshes the lock files to the newest versions pyproject.toml allows;
# `make lock UPGRADE=` only adds and removes what pyproject.toml changed, keeping the other pins.
# LOCKED names the folder the lock files are written to (the test of the lock uses a copy).
UPGRADE ?= --upgrade
LOCKED ?= requirements
COMPILE = $(UV) pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" $(UPGRADE)
lock: $(UV)  ## refresh the lock files (runtime + test, build backend, uv) from pyproject.toml
	$(COMPILE) pyproject.toml --extra test -o $(LOCKED)/lock.txt
	$(COMPILE) requirements/build.in -o $(LOCKED)/build.txt
	$(COMPILE) requirements/uv.in --no-annotate --constraint $(LOCKED)/lock.txt -o $(LOCKED)/uv.txt

reports: $(STAMP)  ## render every report from the bundled evidence into reports/ (offline HTML + index)
	$(BIN)/massage-evidence reports

notebooks: $(STAMP)  ## re-run the notebooks in place, keeping the outputs of their defaults for nbval
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.record_timing=False notebooks/*.ipynb

test: $(STAMP)  ## lint, then every test (one pytest worker per core)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n auto --dist loadgroup

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

benchmarks: $(STAMP)
	$(BIN)/python benchmarks/load.py
	$(BIN)/python benchmarks/synthesis.py
	$(BIN)/python benchmarks/batch.py

clean:
	rm -rf $(VENV) reports/*.html reports/notebooks reports/assets reports/.receipts
