"""analyses/: the analysts' queries compile with dbt and run on the published file."""

from __future__ import annotations

import duckdb
import pytest

from alses.publish import publish
from alses.settings import ROOT

ANALYSES = sorted(p.stem for p in (ROOT / "analyses").glob("*.sql"))


@pytest.fixture(scope="module")
def results(demo_warehouse, demo_compile, tmp_path_factory):
    """Every analysis compiled by dbt (conftest's demo_compile), then run read-only on
    the demo's published file."""
    tmp = tmp_path_factory.mktemp("analyses")
    published = tmp / "alses_marts.duckdb"
    publish(demo_warehouse, published)
    target = demo_compile
    out = {}
    with duckdb.connect(str(published), read_only=True) as con:
        for name in ANALYSES:
            sql = (target / "compiled" / "alses" / "analyses" / f"{name}.sql").read_text()
            out[name] = con.execute(sql).fetchall()
    return out


def test_every_analysis_runs(results):
    assert len(ANALYSES) >= 8
    assert set(results) == set(ANALYSES)


def test_the_readme_queries_answer(results):
    assert results["demande_principale_nord"][0][0] == "Scolarité"
    assert results["demande_principale_nord"][0][3] == 51.6
    assert len(results["part_des_filles_par_territoire"]) == 8  # NORD and 7 territories
    assert results["chiffres_publies_non_reproduits"] == []  # the demo reproduces all
    assert {r[0] for r in results["taux_renseignement_par_territoire"]} >= {"NORD", "LIL"}


def test_evolution_ranking_and_fill_rates(results):
    evolution = results["evolution_part_toutes_annees"]
    assert [r[0] for r in evolution] == ["2020-2021", "2021-2022"]
    assert (
        evolution[1][4] == round(evolution[1][3] - evolution[0][3], 1)
        or abs(evolution[1][4] - (evolution[1][3] - evolution[0][3])) <= 0.1
    )
    classement = results["classement_territoires"]
    assert len(classement) == 7
    assert [r[0] for r in classement] == sorted(r[0] for r in classement)
    pcts = [r[4] for r in classement]
    assert pcts == sorted(pcts, reverse=True)
    structures = results["taux_renseignement_par_structure"]
    assert structures and all(0 <= r[5] <= 100 for r in structures)
