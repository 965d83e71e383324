"""dbt: seeds kept identical to the contract; the whole build with its tests and unit
tests on a small fixture drop; nothing downstream of staging identifies a jeune."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from alses.extract import load_drop
from alses.settings import ROOT
from tests.bdc_fixture import write_drop

SHARED = ROOT.parent / "shared"
DBT = str(Path(sys.executable).parent / "dbt")


@pytest.mark.parametrize(
    ("seed", "shared"),
    [("nomenclatures.csv", "contract/nomenclatures.csv")],
)
def test_seed_is_identical_to_the_shared_contract(seed, shared):
    reference = SHARED / shared
    if not reference.exists():
        pytest.skip(f"{reference} absent: the contract folder sits beside the clone")
    assert (ROOT / "seeds" / seed).read_bytes() == reference.read_bytes()


def dbt_build(warehouse: Path, *args: str, demo: bool = False) -> subprocess.CompletedProcess:
    env = dict(os.environ, ALSES_WAREHOUSE=str(warehouse), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    if demo:
        args = (*args, "--vars", '{"demo": "oui"}')
    return subprocess.run(
        [
            DBT,
            "build",
            "--profiles-dir",
            "dbt_project",
            "--project-dir",
            ".",
            "--target-path",
            str(warehouse.parent / "target"),
            *args,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dbt")
    warehouse = tmp / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        load_drop(con, write_drop(tmp / "bdc"), ROOT / "seeds" / "nomenclatures.csv")
    result = dbt_build(warehouse)
    return warehouse, result


def test_dbt_build_passes_with_tests_and_unit_tests(built):
    _, result = built
    assert result.returncode == 0, result.stdout[-3000:]
    assert "unit_test" in result.stdout


def test_fixture_star(built):
    warehouse, _ = built
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select perimetre, territoire_code, age_1er_janvier, classe_age, classe_code, "
            "a_mesure, origine_groupe from core.fct_accompagnement order by perimetre, "
            "territoire_code"
        ).fetchall()
        assert rows == [
            ("ALSES", "LIL", 12, "10_13", "C4", True, "PARTENAIRES"),
            ("PS", "DOU", 13, "10_13", None, False, "PROFESSIONNELS_PS"),
            ("PS", "LIL", 12, "10_13", "C4", True, "PARTENAIRES"),
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
    warehouse, _ = built
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
