# On a fresh clone, `make synth` then `make test` is the whole set-up: the
# first target that needs the Python environment creates it from Pipfile.lock.

PYTHON ?= python3
PIPENV_VERSION := 2026.10.3
VENV := .venv
PY := $(VENV)/bin/python

export PIPENV_VENV_IN_PROJECT := 1
export PIPENV_VERBOSITY := -1
# jsii's end-of-life banner for Node 20 is not actionable for users of this project.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: synth test lint bench clean

synth: $(VENV)/.synced
	$(PY) main.py

test: $(VENV)/.synced
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory lint && $(PY) -m pytest; status=$$?; \
	echo "make test: $$(( $$(date +%s) - start )) s in total"; exit $$status

lint: $(VENV)/.synced
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

bench: $(VENV)/.synced
	$(PY) -m tools.bench

$(VENV)/.synced: Pipfile.lock
	@$(PYTHON) -m pipenv --version >/dev/null 2>&1 || \
		$(PYTHON) -m pip install --user --quiet "pipenv==$(PIPENV_VERSION)"
	$(PYTHON) -m pipenv sync --dev
	@touch $@

clean:
	rm -rf cdktf.out .pytest_cache .ruff_cache
