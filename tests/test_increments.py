"""Increments: marts.indicateurs is the same, cell for cell, whether its school years
are built in one pass, year by year in order, in reverse, or one year alone after a full
build; and a run recomputes the next loaded year (its valeur_n_1 and evolution_points).

A small three-year drop (the fixture drop, its dates shifted by a year, one jeune fewer
in 2020-2021) is loaded once; the models upstream of the incremental mart are tables over
every loaded year, built once; then only `indicateurs` is rebuilt with the `annees` var
of each run (dbt in process, the project parsed once)."""

from __future__ import annotations

import re

import duckdb
import pandas as pd
import pytest

from alses.extract import load_drop
from alses.settings import ROOT
from orchestration.assets.dbt import annees_a_calculer
from tests.bdc_fixture import tables, write_drop

NOMENCLATURES = ROOT / "seeds" / "nomenclatures.csv"
ANNEES = ["2020-2021", "2021-2022", "2022-2023"]
CLES = ["annee_scolaire", "perimetre", "territoire_code", "indicateur", "modalite"]


def _shift(cell: str, k: int) -> str:
    cell = re.sub(r"\b(\d{1,2}/\d{1,2}/)(\d{4})\b", lambda m: f"{m[1]}{int(m[2]) + k}", cell)
    return re.sub(r"\b(\d{4})(-\d{2}-\d{2})\b", lambda m: f"{int(m[1]) + k}{m[2]}", cell)


def _year(k: int, sans: str | None = None) -> dict:
    """The fixture drop moved by k school years, without the usager `sans`."""
    out = {}
    for name, (header, rows) in tables().items():
        keep = [
            r
            for r in rows
            if not (sans and "usager_id" in header and r[header.index("usager_id")] == sans)
        ]
        out[name] = (header, [[_shift(c, k) for c in r] for r in keep])
    return out


def test_next_loaded_year_is_recomputed_and_purged_years_stay_frozen():
    chargees = ["2020-2021", "2021-2022", "2022-2023"]
    assert annees_a_calculer(["2021-2022"], chargees, set()) == ["2021-2022", "2022-2023"]
    assert annees_a_calculer(["2022-2023"], chargees, set()) == ["2022-2023"]
    # the year after is not loaded yet: nothing more
    assert annees_a_calculer(["2021-2022"], chargees[:2], set()) == ["2021-2022"]
    assert annees_a_calculer(["2020-2021"], chargees, {"2020-2021"}) == ["2021-2022"]


@pytest.fixture(scope="module")
def trois_annees(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("increments")
    bdc, warehouse = tmp / "bdc", tmp / "w.duckdb"
    write_drop(bdc, _year(-1, sans="U2"), annee="2020-2021")
    write_drop(bdc, _year(0), annee="2021-2022")
    write_drop(bdc, _year(1), annee="2022-2023")
    with duckdb.connect(str(warehouse)) as con:
        for annee in ANNEES:
            load_drop(con, bdc / annee, NOMENCLATURES)
    return tmp, warehouse


@pytest.fixture(scope="module")
def dbt(trois_annees):
    from dbt.cli.main import dbtRunner

    tmp, warehouse = trois_annees
    mp = pytest.MonkeyPatch()
    mp.setenv("ALSES_WAREHOUSE", str(warehouse))
    mp.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    common = ["--profiles-dir", str(ROOT / "dbt_project"), "--project-dir", str(ROOT)]
    common += ["--target-path", str(tmp / "target"), "--quiet"]
    parsed = dbtRunner().invoke(["parse", *common])
    assert parsed.success, parsed.exception
    runner = dbtRunner(manifest=parsed.result)

    def invoke(*args: str) -> None:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager as manager

        result = runner.invoke([*args, *common])
        # dbt-duckdb keeps its DuckDB instance open in process: closed, so that the
        # test reads the file (one writer process or readers, never both).
        if manager._ENV is not None:
            manager._ENV.close()
        manager.close_all_connections()
        assert result.success, result.exception

    invoke("seed")
    invoke("run", "--select", "+indicateurs", "--full-refresh")  # every year, one pass
    yield invoke, warehouse
    mp.undo()


def _indicateurs(warehouse) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        df = con.execute("select * from marts.indicateurs").df()
    return df.sort_values(CLES).reset_index(drop=True)


def _runs(invoke, warehouse, runs: list[list[str]], vider: bool = True) -> pd.DataFrame:
    if vider:
        with duckdb.connect(str(warehouse)) as con:
            con.execute("delete from marts.indicateurs")
    chargees = ANNEES
    for run in runs:
        annees = annees_a_calculer(run, chargees, set())
        invoke(
            "run",
            "--select",
            "indicateurs",
            "--vars",
            f'{{"annees": {annees!r}}}'.replace("'", '"'),
        )
    return _indicateurs(warehouse)


def test_indicateurs_are_the_same_in_one_pass_in_order_in_reverse_and_one_year_alone(dbt):
    invoke, warehouse = dbt
    full = _indicateurs(warehouse)
    assert set(full["annee_scolaire"]) == set(ANNEES)
    # the years differ (one jeune fewer in 2020-2021): valeur_n_1 is not a copy
    later = full[full["annee_scolaire"] == "2021-2022"]
    assert (later["valeur_n_1"].fillna(-1) != later["valeur"].fillna(-1)).any()
    assert full[full["annee_scolaire"] == "2020-2021"]["valeur_n_1"].isna().all()

    en_ordre = _runs(invoke, warehouse, [[a] for a in ANNEES])
    pd.testing.assert_frame_equal(en_ordre, full)
    a_rebours = _runs(invoke, warehouse, [[a] for a in reversed(ANNEES)])
    pd.testing.assert_frame_equal(a_rebours, full)

    # One year alone after a full build: a wrong value in the next year is corrected
    # (its valeur_n_1 is recomputed), the other years' rows are left as they were.
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "update marts.indicateurs set valeur_n_1 = -1 where annee_scolaire = '2022-2023'"
        )
        con.execute("update marts.indicateurs set rang = -1 where annee_scolaire = '2020-2021'")
    seul = _runs(invoke, warehouse, [["2021-2022"]], vider=False)
    autres = seul["annee_scolaire"] == "2020-2021"
    assert (seul.loc[autres, "rang"] == -1).all()  # untouched: not in the run
    pd.testing.assert_frame_equal(seul[~autres], full[~autres])
