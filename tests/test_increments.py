"""Increments: every intermediate table, fact and mart is the same, cell for cell,
whether the school years are built in one pass, one at a time in order, in reverse, or
one year alone after a full build; a run recomputes the next loaded year of
marts.indicateurs (its valeur_n_1), leaves the other years' rows as they are, and a
corrected year that now yields no row loses its old rows. After a purge, a run keeps
the purged year's frozen marts without `geler` (alses/retention.py).

A small three-year drop (the fixture drop, its dates shifted by a year, one jeune fewer
in 2020-2021) is loaded once; dbt runs in process, the project parsed once, with the
vars the Dagster asset passes (orchestration/assets/dbt.py, annees_a_calculer). Nine dbt
runs of the models (no tests): the price of four orders and a purge."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import duckdb
import pandas as pd
import pytest

from alses.extract import load_drop
from alses.retention import purger
from alses.settings import ROOT
from orchestration.assets.dbt import annees_a_calculer
from tests.bdc_fixture import tables, write_drop

NOMENCLATURES = ROOT / "seeds" / "nomenclatures.csv"
ANNEES = ["2020-2021", "2021-2022", "2022-2023"]
#: Rebuilt whole at every run (no school year, or reading every year): not emptied.
TABLES_ENTIERES = ("catalogue_indicateurs", "rapprochement_publication")


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


def test_the_run_recomputes_its_years_and_indicateurs_the_next_loaded_one():
    chargees = ["2020-2021", "2021-2022", "2022-2023"]
    assert annees_a_calculer(["2021-2022"], chargees, set()) == (["2021-2022"], ["2022-2023"])
    assert annees_a_calculer(["2022-2023"], chargees, set()) == (["2022-2023"], [])
    # the year after is not loaded yet: nothing more
    assert annees_a_calculer(["2021-2022"], chargees[:2], set()) == (["2021-2022"], [])
    # two consecutive years in one run: the second is a run year, not a "next" one
    assert annees_a_calculer(chargees[:2], chargees, set()) == (chargees[:2], ["2022-2023"])
    # a purged year is frozen: neither recomputed nor read again
    assert annees_a_calculer(["2020-2021"], chargees, {"2020-2021"}) == ([], [])
    with pytest.raises(ValueError, match="AAAA-AAAA"):
        annees_a_calculer(["2021-2022'); drop table x; --"], chargees, set())


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

    def invoke(*args: str, entrepot=warehouse) -> None:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager as manager

        mp.setenv("ALSES_WAREHOUSE", str(entrepot))  # the profile reads it at each run
        result = runner.invoke([*args, *common])
        # dbt-duckdb keeps its DuckDB instance open in process: closed, so that the
        # test reads the file (one writer process or readers, never both).
        if manager._ENV is not None:
            manager._ENV.close()
        manager.close_all_connections()
        assert result.success, result.exception

    invoke("seed")
    invoke("run", "--full-refresh")  # every year, one pass
    # Kept as built in one pass, for the purge test (same file name: dbt-duckdb names
    # the catalog after it, and the parsed project says `w`).
    complet = tmp / "complet" / warehouse.name
    complet.parent.mkdir()
    shutil.copy(warehouse, complet)
    yield invoke, warehouse, complet
    mp.undo()


def _relations(con) -> list[str]:
    """Every table of the layers dbt builds above staging."""
    return [
        f"{s}.{t}"
        for s, t in con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in "
            "('intermediate', 'core', 'marts') and database_name = current_database() "
            "order by 1, 2"
        ).fetchall()
    ]


def _incrementales(con) -> list[str]:
    """The tables holding an annee_scolaire column, the dimensions and the tables rebuilt
    whole excepted: those the increments fill year by year."""
    par_annee = {
        f"{s}.{t}"
        for s, t in con.execute(
            "select schema_name, table_name from duckdb_columns() where column_name = "
            "'annee_scolaire' and database_name = current_database()"
        ).fetchall()
    }
    return [
        r
        for r in _relations(con)
        if r in par_annee
        and not r.split(".")[1].startswith("dim_")
        and r.split(".")[1] not in TABLES_ENTIERES
    ]


def _etat(warehouse) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            r: con.execute(f"select * from {r} order by all").df().reset_index(drop=True)
            for r in _relations(con)
        }


def _pareil(obtenu: dict, attendu: dict, ordre: str) -> None:
    assert obtenu.keys() == attendu.keys(), ordre
    for relation, df in attendu.items():
        try:
            pd.testing.assert_frame_equal(obtenu[relation], df)
        except AssertionError as exc:
            raise AssertionError(f"{ordre} : {relation} diffère\n{exc}") from None


def _vider(warehouse) -> None:
    with duckdb.connect(str(warehouse)) as con:
        for relation in _incrementales(con):
            con.execute(f"delete from {relation}")


def _run(invoke, run: list[str], chargees: list[str], purgees=frozenset(), **kw) -> None:
    annees, suivantes = annees_a_calculer(run, chargees, set(purgees))
    vars_ = {"annees": annees, "annees_suivantes": suivantes}
    # Only the incremental models: the raw data does not change between the runs of a
    # test, so the views, dimensions and whole tables built by the full pass stand.
    select = ["--select", "config.materialized:incremental"]
    invoke("run", *select, "--vars", json.dumps(vars_), **kw)


def test_every_table_is_the_same_in_one_pass_in_order_in_reverse_and_one_year_alone(dbt):
    invoke, warehouse, _ = dbt
    full = _etat(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        incrementales = _incrementales(con)
    assert {"core.fct_intervention", "marts.indicateurs", "marts.qualite_saisie"} <= set(
        incrementales
    )
    assert "marts.comparaisons_territoriales" in incrementales
    principales = (
        "intermediate.int_interventions_enrichies",
        "core.fct_accompagnement",
        "core.fct_intervention",
        "core.fct_poste_annee",
        "marts.indicateurs",
        "marts.qualite_saisie",
        "marts.comparaisons_territoriales",
    )
    for relation in principales:  # every year present: a real comparison
        assert set(full[relation]["annee_scolaire"]) == set(ANNEES), relation
    ind = full["marts.indicateurs"]
    # the years differ (one jeune fewer in 2020-2021): valeur_n_1 is not a copy
    later = ind[ind["annee_scolaire"] == "2021-2022"]
    assert (later["valeur_n_1"].fillna(-1) != later["valeur"].fillna(-1)).any()
    assert ind[ind["annee_scolaire"] == "2020-2021"]["valeur_n_1"].isna().all()

    # In order, as the drops arrive: each run sees the years loaded so far.
    _vider(warehouse)
    for i, annee in enumerate(ANNEES):
        _run(invoke, [annee], ANNEES[: i + 1])
    _pareil(_etat(warehouse), full, "dans l'ordre")

    # In reverse (a backfill from the latest year): each run recomputes the next year.
    _vider(warehouse)
    for annee in reversed(ANNEES):
        _run(invoke, [annee], ANNEES)
    _pareil(_etat(warehouse), full, "à rebours")

    # One year alone after a full build: the next year's valeur_n_1 is recomputed, the
    # other years' rows are left as they were, a year's stale rows go.
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "update marts.indicateurs set valeur_n_1 = -1 where annee_scolaire = '2022-2023'"
        )
        con.execute("update marts.indicateurs set rang = -1 where annee_scolaire = '2020-2021'")
        con.execute("update core.fct_intervention set duree_minutes = -1")
        # a row the corrected year no longer yields
        con.execute(
            "insert into core.fct_poste_college select * from core.fct_poste_college "
            "where annee_scolaire = '2021-2022' limit 1"
        )
    _run(invoke, ["2021-2022"], ANNEES)
    seul = _etat(warehouse)

    def annee(df: pd.DataFrame, garder) -> pd.DataFrame:
        return df[df["annee_scolaire"].map(garder)].reset_index(drop=True)

    ind, fct = seul["marts.indicateurs"], seul["core.fct_intervention"]
    assert (annee(ind, "2020-2021".__eq__)["rang"] == -1).all()  # not in the run: untouched
    assert (annee(fct, "2021-2022".__ne__)["duree_minutes"] == -1).all()
    recalculees = {
        "marts.indicateurs": {"2021-2022", "2022-2023"}.__contains__,  # and the next year
        "core.fct_intervention": "2021-2022".__eq__,
    }
    for relation, df in full.items():
        if relation in recalculees:
            garder = recalculees[relation]
            pd.testing.assert_frame_equal(annee(seul[relation], garder), annee(df, garder))
        else:
            pd.testing.assert_frame_equal(seul[relation], df, obj=relation)


def test_a_purged_year_stays_frozen_and_its_detail_gone_without_geler(dbt):
    invoke, _, complet = dbt
    w = complet.parent.parent / "purge" / complet.name
    w.parent.mkdir()
    shutil.copy(complet, w)
    full = _etat(w)
    with duckdb.connect(str(w)) as con:
        purger(con, "2020-2021", dt.date(2023, 9, 1))
    # The next year's drop is corrected: the run recomputes it, never the purged year.
    _run(invoke, ["2021-2022"], ANNEES, purgees={"2020-2021"}, entrepot=w)
    apres = _etat(w)
    for relation, df in full.items():
        if relation.startswith("marts."):
            # frozen, and 2021-2022's valeur_n_1 read from the frozen year: as before
            pd.testing.assert_frame_equal(apres[relation], df, obj=relation)
    with duckdb.connect(str(w), read_only=True) as con:
        for relation in _incrementales(con):
            if relation.startswith(("intermediate.", "core.")):
                n = con.execute(
                    f"select count(*) from {relation} where annee_scolaire = '2020-2021'"
                ).fetchone()[0]
                assert n == 0, relation  # the purged detail is not rebuilt
