# ALSES warehouse — see README.md. Every target bootstraps .venv itself.
SHELL := /bin/bash
PY := .venv/bin/python
export DAGSTER_HOME := $(CURDIR)/.dagster
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: run test dev lint fix demo bench clean

.venv/.installed: pyproject.toml constraints.txt
	python3 -m venv .venv
	.venv/bin/pip install -q --upgrade pip
	.venv/bin/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

$(DAGSTER_HOME):
	mkdir -p $@ && touch $@/dagster.yaml

run: .venv/.installed | $(DAGSTER_HOME)
	$(PY) -m orchestration.run

test: .venv/.installed | $(DAGSTER_HOME)
	.venv/bin/ruff check alses orchestration tests
	$(PY) -m pytest -q

dev: .venv/.installed | $(DAGSTER_HOME)
	.venv/bin/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

lint: .venv/.installed
	.venv/bin/ruff check alses orchestration tests
	.venv/bin/ruff format --check alses orchestration tests

fix: .venv/.installed
	.venv/bin/ruff check --fix alses orchestration tests
	.venv/bin/ruff format alses orchestration tests

demo: .venv/.installed
	$(PY) -m alses.demo.generator $${ALSES_BDC_DIR:-data/bdc}

clean:
	rm -rf warehouse outputs target logs .dagster

bench: .venv/.installed
	$(PY) -m alses.bench --scale $${SCALE:-10}
