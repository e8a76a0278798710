# newsmon: `make run` runs the monitor, `make test` passes the tests. `make help` lists the rest.
# Every target sets up what it needs (virtualenv, Kafka jars, Prometheus for tests), idempotently.
# Recipe output that is not the product goes to stderr: `make run ONCE=1` keeps stdout for alerts.

SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
NEWSMON := $(VENV)/bin/newsmon
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STAMP := $(VENV)/.installed
JARS_STAMP := deploy/kafka/libs/.pom.sha256
PYTEST_ARGS ?=

.PHONY: help setup setup-python setup-kafka setup-prometheus run test test-unit test-integration test-e2e \
        lint bench chaos soak eval kafka-up kafka-down topics schemas check-rules clean models

help: ## list the targets
	@grep -E '^[a-zA-Z0-9_-]+:.*?## ' $(MAKEFILE_LIST) | awk -F':.*?## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(STAMP): services/pyproject.toml services/constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "newsmon needs Python 3.11+" >&2; exit 1; }
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV) >&2
	@$(PY) -m pip install -q --upgrade pip >&2
	@$(PY) -m pip install -q -c services/constraints.txt -e 'services[test,lint,train]' >&2
	@touch $@

setup-python: $(STAMP) ## the virtualenv with newsmon and its pinned dependencies

setup-kafka: setup-python ## the Kafka jars from Maven Central (once, into deploy/kafka/libs)
	@$(NEWSMON) kafka fetch >&2

setup-prometheus: ## Debian's prometheus, promtool and prometheus-alertmanager (for the tests)
	@command -v prometheus >/dev/null && command -v promtool >/dev/null || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq prometheus; } >&2
	@command -v prometheus-alertmanager >/dev/null || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	      prometheus-alertmanager; } >&2

setup: setup-python setup-kafka ## everything `make run` needs

run: setup ## start Kafka and a worker, ingest the samples, print alerts (ONCE=1 INPUT=path: once, as JSON)
	@$(NEWSMON) run $(if $(filter-out 0 no false,$(ONCE)),--once) $(INPUT)

test: setup setup-prometheus lint ## lint, then every test: unit, agents, integration and end-to-end, on a real broker
	@$(PY) -m pytest $(PYTEST_ARGS)

lint: setup-python ## ruff (lint and format check), mypy and the import layers on the package
	@cd services && ../$(VENV)/bin/ruff check newsmon && ../$(VENV)/bin/ruff format --check newsmon
	@cd services && ../$(VENV)/bin/mypy
	@cd services && ../$(VENV)/bin/lint-imports --no-cache

test-unit: setup-python ## the tests that need no broker
	@$(PY) -m pytest tests/unit $(PYTEST_ARGS)

test-integration: setup setup-prometheus ## the tests on the real broker and Prometheus
	@$(PY) -m pytest tests/agents tests/integration $(PYTEST_ARGS)

test-e2e: setup ## the end-to-end tests
	@$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

bench: setup ## throughput and latency of the whole pipeline against a bare in-process loop
	@$(NEWSMON) bench

chaos: setup ## SIGKILL a worker twice mid-work over 10,000 articles; prints sent, enriched, lost, duplicates (ARGS=...)
	@$(PY) -m newsmon.devtools.chaos $(ARGS)

soak: setup ## 100,000 articles through one worker: its memory at start and end, the tables' sizes (ARGS=...)
	@$(PY) -m newsmon.devtools.soak $(ARGS)

kafka-up: setup ## start the local broker (127.0.0.1:19092, data in var/kafka)
	@PYTHON=$(PY) deploy/kafka/kafka-up.sh

kafka-down: setup-python ## stop the local broker
	@PYTHON=$(PY) deploy/kafka/kafka-down.sh

topics: setup-python ## create the topics on NEWSMON_KAFKA_BOOTSTRAP
	@$(NEWSMON) topics create

schemas: setup-python ## regenerate schemas/*.schema.json from the record models
	@$(NEWSMON) schemas write

check-rules: setup-prometheus ## promtool checks of the Prometheus config, rules and rule tests
	@promtool check config deploy/prometheus/prometheus.yml
	@promtool check config deploy/prometheus/prometheus.compose.yml
	@promtool test rules deploy/prometheus/rules/newsmon.rules.test.yml

eval: setup-python ## accuracy tables on ../shared/data, through the same code as `newsmon analyze`
	@$(PY) -m newsmon.devtools.evaluation

models: setup-python ## train the NER pipelines and the topic classifier from ../shared/data (fixed seed)
	@OPENBLAS_NUM_THREADS=1 $(PY) -m newsmon.devtools.training >&2
	@$(PY) -m newsmon.devtools.training.lexicon >&2
	@OPENBLAS_NUM_THREADS=1 $(PY) -m newsmon.devtools.training.topic_model >&2

clean: ## remove local state (broker data, virtualenv, jars)
	rm -rf var $(VENV) deploy/kafka/libs
