# ALSES warehouse — see README.md. Every target bootstraps .venv itself.
SHELL := /bin/bash
PY := .venv/bin/python
export DAGSTER_HOME := $(CURDIR)/.dagster
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: run test check dev lint fix demo bench clean sql docs backfill opendata purge roles

.venv/.installed: pyproject.toml constraints.txt
	python3 -m venv .venv
	.venv/bin/pip install -q --upgrade pip
	.venv/bin/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

# dbt's manifest: the Dagster definitions read it (dagster dev parses by itself). Parsed
# in the environment the job gives dbt, so that the job's build starts from this parse.
DBT_SOURCES := $(shell find models seeds dbt_project/macros tests/dbt -type f) dbt_project.yml
target/manifest.json: .venv/.installed $(DBT_SOURCES)
	$(PY) -m orchestration.analyse_dbt

$(DAGSTER_HOME):
	mkdir -p $@ && touch $@/dagster.yaml

# Nothing changed since the last successful run (drops, code, models): says so in a few
# seconds. FORCE=1 runs everything again.
# ACCEPTER=2022-2023 (ALSES_ACCEPTER, comma-separated): publish those years despite the
# October gate's blocking checks, once their control page is read (docs/controle_octobre.md).
run: .venv/.installed target/manifest.json | $(DAGSTER_HOME)
	$(if $(ACCEPTER),ALSES_ACCEPTER=$(ACCEPTER) )$(PY) -m orchestration.run $${FORCE:+--forcer}

# Open data of every school year in the warehouse (secret statistique applied).
opendata: .venv/.installed
	$(PY) -m alses.opendata

# Retention: purge the personal detail of the school years past ALSES_RETENTION_ANNEES
# (default 2) after their end; their marts are archived and stay frozen.
purge: .venv/.installed
	$(PY) -m alses.retention

# PostgreSQL (ALSES_TARGET=postgres, PG* variables): the roles alses_analyste (reads
# schema marts) and alses_chargement (writes raw); run once by the database owner.
roles: .venv/.installed
	$(PY) -m alses.roles

# Debian's Chromium and its driver (the report's rendering test) are installed by .ci/run;
# without them that test skips and says how to install them.
# pytest on two workers (pytest-xdist, --dist loadgroup: each session build on one
# worker, tests/conftest.py). The lint is not part of it: `make check` runs both, as
# .ci/run does (docs/tests.md).
# The demo drops the tests read (tests/conftest.py, demo_drops) are written here, beside
# make's dbt parse: each takes one core for several seconds, the other would sit idle.
test: .venv/.installed | $(DAGSTER_HOME)
	@$(MAKE) --no-print-directory -j2 target/manifest.json $(DEPOTS_DEMO_TESTS)
	ALSES_TESTS_DEPOTS_DEMO=$(CURDIR)/$(DEPOTS_DEMO_TESTS) $(PY) -m pytest -q -n 2 --dist loadgroup

DEPOTS_DEMO_TESTS := target/tests/depots_demo
$(DEPOTS_DEMO_TESTS): .venv/.installed $(shell find alses -name '*.py') $(wildcard seeds/*.csv)
	rm -rf $@ $@.tmp
	$(PY) -m alses.demo.generator $@.tmp >/dev/null && mv $@.tmp $@

check: lint test

# Every school year found in ALSES_BDC_DIR in one pass: one run over every partition
# (the same command as run; in the Dagster UI: job annee_complete, "Launch backfill" —
# every asset has a single-run backfill policy, so a backfill is one run too).
backfill: run

# The analysts' published file, read-only, in DuckDB's own shell (PyPI duckdb-cli, kept
# in its own venv: its version reads the file's storage version, see alses/publish.py).
.venv-sql/bin/duckdb:
	python3 -m venv .venv-sql
	.venv-sql/bin/pip install -q duckdb-cli==1.5.6

sql: .venv/.installed .venv-sql/bin/duckdb
	@f=$$($(PY) -c 'from alses.settings import settings; print(settings().published)'); \
	test -f "$$f" || { echo "Pas de fichier publié ($$f) : lancez d'abord make run."; exit 1; }; \
	echo "Lecture seule de $$f — essayez : select * from marts.indicateurs limit 5;"; \
	.venv-sql/bin/duckdb -readonly "$$f"

# dbt docs (French descriptions of every mart column); open target/index.html.
docs: .venv/.installed target/manifest.json
	ALSES_WAREHOUSE=$$($(PY) -c 'from alses.settings import settings; print(settings().warehouse)') \
	  .venv/bin/dbt docs generate --target $$($(PY) -c 'from alses.settings import settings; print(settings().target)') \
	  --profiles-dir dbt_project --project-dir . --quiet
	@echo "Documentation : ouvrez $(CURDIR)/target/index.html (ou : .venv/bin/dbt docs serve --profiles-dir dbt_project --host 127.0.0.1)"

dev: .venv/.installed target/manifest.json | $(DAGSTER_HOME)
	.venv/bin/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

# sqlfluff's jinja templater renders each model with the project's macros and
# dbt_project/lint_context (pyproject): no dbt parse of the whole project, no warehouse.
lint: .venv/.installed
	.venv/bin/ruff check alses orchestration tests bench
	.venv/bin/ruff format --check alses orchestration tests bench
	.venv/bin/sqlfluff lint models --processes 2

fix: .venv/.installed
	.venv/bin/ruff check --fix alses orchestration tests bench
	.venv/bin/ruff format alses orchestration tests bench
	.venv/bin/sqlfluff fix models

demo: .venv/.installed
	$(PY) -m alses.demo.generator $${ALSES_BDC_DIR:-data/bdc}

clean:
	rm -rf warehouse outputs opendata target logs .dagster .venv-sql

# The whole job on a drop SCALE times the demo, YEARS school years (bench/banc.py):
# bench/resultats.csv and .png. INTERVENTIONS=N: N interventions a year (the ×100 drop
# with 730,000 jeunes and 15 M interventions: SCALE=100 INTERVENTIONS=15000000); RUNS=R:
# R first builds in a row; INCREMENTS=1: then rerun unchanged and add a year.
bench: .venv/.installed target/manifest.json
	$(PY) -m bench.banc --scale $${SCALE:-10} --years $${YEARS:-1} --runs $${RUNS:-1} \
	  $${INTERVENTIONS:+--interventions $$INTERVENTIONS} $${INCREMENTS:+--increments}
