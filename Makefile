# On a fresh clone, `make synth` then `make test` is the whole set-up: the
# first target that needs the Python environment creates it from Pipfile.lock,
# and the first that needs the Node tools installs them from package-lock.json.

PYTHON ?= python3
PIPENV_VERSION := 2026.10.3
VENV := .venv
PY := $(VENV)/bin/python
NODE_TOOLS := node_modules/.synced
# Every stack by default; CI names one stack per job (one account's role each).
STACKS ?=

export PIPENV_VENV_IN_PROJECT := 1
export PIPENV_VERBOSITY := -1
# jsii's end-of-life banner for Node 20 is not actionable for users of this project.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: synth test lint docs plan deploy diff verify audit bench clean

# As cdktf runs the app (cdktf.json): -O skips jsii's Python-side type checks,
# which the jsii kernel repeats for every value anyway; the tests keep them on.
synth: $(VENV)/.synced
	$(PY) -O main.py

# Two workers: the end-to-end tests (mostly waiting on the emulated AWS) in one,
# everything else in the other.
test: $(VENV)/.synced $(NODE_TOOLS)
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory lint && $(PY) -m pytest -n 2 --dist loadgroup; status=$$?; \
	echo "make test: $$(( $$(date +%s) - start )) s in total"; exit $$status

lint: $(VENV)/.synced
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# docs/configuration.md from the config models' field descriptions.
docs: $(VENV)/.synced
	$(PY) -m config.reference

# A Markdown summary per stack in build/plan/, for a pull request comment.
plan: synth
	$(PY) -m tools.plan $(STACKS)

# `make deploy AUTO_APPROVE=1` skips cdktf's question (CI, where the GitHub
# environment's reviewers are the approval).
deploy: $(VENV)/.synced $(NODE_TOOLS)
	$(PY) -m tools.cdktf_cli deploy $(STACKS) $(if $(AUTO_APPROVE),--auto-approve)

diff: $(VENV)/.synced $(NODE_TOOLS)
	$(PY) -m tools.cdktf_cli diff $(STACKS)

# Is every account and region logging? `make verify JSON=out.json` also writes
# the results as JSON; ARGS="--since 7d" widens the window (docs/verify.md).
verify: $(VENV)/.synced
	$(PY) -m tools.verify $(if $(JSON),--json $(JSON)) $(ARGS)

# Who opened a session or connection: make audit ARGS="who <id>" or
# ARGS="sessions --account <id> --since 7d"; --json for the documents (docs/attribution.md).
audit: $(VENV)/.synced
	$(PY) -m tools.audit $(ARGS)

bench: $(VENV)/.synced
	$(PY) -m tools.bench

$(VENV)/.synced: Pipfile.lock
	@$(PYTHON) -m pipenv --version >/dev/null 2>&1 || \
		$(PYTHON) -m pip install --user --quiet "pipenv==$(PIPENV_VERSION)"
	$(PYTHON) -m pipenv sync --dev
	@# Bytecode for -O, which pip does not write: without it every synth
	@# compiles its modules again where PYTHONDONTWRITEBYTECODE is set.
	$(PY) -O -m compileall -q -j 0 $(VENV)/lib >/dev/null
	@# jsii's runtime index of the AWS provider, built once here, so that the
	@# first synth is already warm (synth/jsii_cache.py).
	$(PY) -O -m synth.jsii_cache
	@touch $@

# --ignore-scripts: no install script may download anything; node-pty, the
# only package with one, ships the prebuilt binaries cdktf loads.
$(NODE_TOOLS): package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

clean:
	rm -rf cdktf.out build .pytest_cache .ruff_cache
