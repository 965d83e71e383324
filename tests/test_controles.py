"""The model-level generic test `controles` (dbt_project/macros/generic_tests.sql): one
dbt node per model for every column check. Its SQL, as dbt compiled it for the session's
demo build, passes on the demo warehouse (the build says so) and names every check that
a corrupted copy breaks — without another dbt build."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest


@pytest.fixture(scope="module")
def compiled(demo_warehouse) -> dict[str, str]:
    """The compiled SQL of each `controles` test of the demo build, by model."""
    manifest = json.loads((demo_warehouse.parent / "build" / "manifest.json").read_text())
    statuts = json.loads((demo_warehouse.parent / "build" / "run_results.json").read_text())
    passed = {r["unique_id"] for r in statuts["results"] if r["status"] == "pass"}
    out = {}
    for uid, node in manifest["nodes"].items():
        if node.get("test_metadata", {}).get("name") == "controles":
            assert uid in passed, uid
            out[node["attached_node"].rsplit(".", 1)[-1]] = node["compiled_code"]
    return out


def _failures(warehouse, sql: str) -> set[tuple[str, str]]:
    with duckdb.connect(str(warehouse)) as con:
        return {(r[0], r[1]) for r in con.execute(sql).fetchall()}


def test_every_core_and_staging_model_has_its_controles(compiled):
    assert {"dim_jeune", "fct_accompagnement", "stg_bdc__usagers"} <= set(compiled)


def test_controles_name_every_broken_check(demo_warehouse, compiled, tmp_path):
    # Same file name: the compiled SQL names the catalog after it.
    warehouse = tmp_path / demo_warehouse.name
    shutil.copy(demo_warehouse, warehouse)
    accompagnement, jeune = compiled["fct_accompagnement"], compiled["dim_jeune"]
    mobilisation = compiled["fct_mobilisation"]
    for sql in (accompagnement, jeune, mobilisation):
        assert _failures(warehouse, sql) == set()
    with duckdb.connect(str(warehouse)) as con:
        con.execute("insert into core.dim_jeune select * from core.dim_jeune limit 1")
        con.execute(
            "insert into core.fct_accompagnement select * from core.fct_accompagnement limit 1"
        )
        premiere = "(select min(jeune_key) from core.fct_accompagnement)"
        con.execute(
            "update core.fct_accompagnement set territoire_code = 'XXX', sexe_code = 'Z', "
            f"est_alses = null where jeune_key = {premiere}"
        )
        con.execute(
            "update core.fct_accompagnement set jeune_key = null "
            "where jeune_key = (select max(jeune_key) from core.fct_accompagnement)"
        )
        con.execute(
            "update core.fct_mobilisation set categorie = 'AUTRE' "
            "where intervention_id = (select min(intervention_id) from core.fct_mobilisation)"
        )
    assert _failures(warehouse, jeune) == {("unique", "jeune_key")}
    assert _failures(warehouse, accompagnement) == {
        ("cle", "annee_scolaire, jeune_key"),
        ("non_nulle", "jeune_key"),
        ("non_nulle", "est_alses"),
        ("reference", "territoire_code"),
        ("nomenclature", "sexe_code"),
    }
    assert ("valeur", "categorie") in _failures(warehouse, mobilisation)
