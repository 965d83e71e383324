"""dbt: the whole build with its tests and unit
tests on a small fixture drop; nothing downstream of staging identifies a jeune."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from alses.settings import ROOT
from orchestration.analyse_dbt import DBT_EXECUTABLE, PARAMETRES_DBT, options_dbt

DBT = DBT_EXECUTABLE
#: The tests' own dbt calls run one dbt thread: `make test` already keeps both cores
#: busy with two pytest workers, and on these small drops dbt's threads only add
#: contention for Python's lock (≈ 10 % of a build's CPU). The job's builds (the
#: Dagster asset, `fixture_job`) keep the profile's threads, and so does the PostgreSQL
#: build (tests/test_postgres.py), whose queries run in the server's processes.
UN_FIL = ("--threads", "1")


def dbt(
    commande: str, warehouse: Path, *args: str, demo: bool = False, **parametres: str
) -> subprocess.CompletedProcess:
    """`dbt <commande>` on `warehouse`, in the target folder beside it, with the dbt
    asset's parameters given (ALSES_DBT_*, orchestration/analyse_dbt.py), the others
    removed. As the job's: from make's parse, or the folder's own if newer (a warehouse
    named alses.duckdb, as make's, is not parsed whole again)."""
    from tests.conftest import depuis_l_analyse_de_make

    env = {k: v for k, v in os.environ.items() if k not in PARAMETRES_DBT}
    env |= {"ALSES_WAREHOUSE": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    env |= {"ALSES_DBT_DEMO": "oui" if demo else "non", **parametres}
    target = warehouse.parent / "target"
    depuis_l_analyse_de_make(target)
    return subprocess.run(
        [DBT, commande, *options_dbt(target, "duckdb"), *UN_FIL, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def built(fixture_job):
    """The warehouse of the session's school-year job on the tiny fixture drop."""
    return fixture_job.warehouse


def test_the_jobs_dbt_build_passes_with_its_tests(fixture_job):
    results = fixture_job.dbt_results["results"]
    # Only the demo-only checks (tests/dbt/, a warning off the demo) may warn here.
    not_passed = {
        r["unique_id"]: r["status"] for r in results if r["status"] not in ("success", "pass")
    }
    assert all(
        status == "warn" and uid.startswith("test.alses.assert_")
        for uid, status in not_passed.items()
    ), not_passed
    kinds = {r["unique_id"].split(".")[0] for r in results}
    # dbt's unit tests check the code, not the data: make test runs them (below), the
    # job does not (orchestration/assets/dbt.py).
    assert kinds == {"model", "seed", "test"}


def test_unit_tests_pass_in_the_demo_build(demo_warehouse):
    build = demo_warehouse.parent / "build"
    declared = set(json.loads((build / "manifest.json").read_text())["unit_tests"])
    results = json.loads((build / "run_results.json").read_text())["results"]
    unit = {r["unique_id"]: r["status"] for r in results if r["unique_id"] in declared}
    assert declared and set(unit) == declared
    assert set(unit.values()) == {"pass"}, unit


def test_fixture_star(built):
    warehouse = built
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select est_alses, territoire_code, age_1er_janvier, classe_age, classe_code, "
            "a_mesure, origine_groupe from core.fct_accompagnement order by territoire_code"
        ).fetchall()
        # one row per jeune and year; the ALSES scope is a flag (PS is every row)
        assert rows == [
            (False, "DOU", 13, "10_13", None, False, "PROFESSIONNELS_PS"),
            (True, "LIL", 12, "10_13", "C4", True, "PARTENAIRES"),
        ]
        mobilisations = con.execute(
            "select intervention_id, categorie from core.fct_mobilisation order by all"
        ).fetchall()
        assert mobilisations == [
            ("I1", "FAMILLE"),
            ("I1", "PARTENAIRES"),
            ("I2", "DISPOSITIFS_INTERNES"),
        ]


def test_nothing_past_staging_identifies_a_jeune(built):
    warehouse = built
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_schema not in ('raw', 'staging')"
        ).fetchall()
        assert columns
        forbidden = {
            "usager_id",
            "nom",
            "prenom",
            "adresse",
            "reseaux_sociaux",
            "date_naissance",
            "naissance_date",
        }
        assert [c for c in columns if c[2] in forbidden] == []
        keys = con.execute("select jeune_key from core.dim_jeune").fetchall()
        assert all(len(k[0]) == 64 and not k[0].startswith("U") for k in keys)
