"""Increments: every intermediate table, fact and mart is the same, cell for cell,
whether the school years are built in one pass, one at a time in order, in reverse, or
one year alone after a full build; a run recomputes the next loaded year of
marts.indicateurs (its valeur_n_1), leaves the other years' rows as they are, and a
corrected year that now yields no row loses its old rows. After a purge, a run keeps
the purged year's frozen marts without `geler` (alses/retention.py).

A small three-year drop (the fixture drop, its dates shifted by a year, one jeune fewer
in 2020-2021) is loaded once; dbt runs in process, from make's parse, with the
vars the Dagster asset passes (orchestration/assets/dbt.py, annees_a_calculer). A full
run and seven runs of the incremental models (no tests): the price of four orders."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import duckdb
import pandas as pd
import pytest

from alses.extract import load_drop
from alses.retention import purger
from alses.settings import ROOT
from orchestration.analyse_dbt import PARAMETRES_DBT, options_dbt
from orchestration.assets.dbt import annees_a_calculer, empreinte_projet
from tests.bdc_fixture import tables, write_drop
from tests.conftest import WAREHOUSE_NAME, depuis_l_analyse_de_make
from tests.test_dbt import UN_FIL

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


def test_a_new_pseudonymisation_secret_rebuilds_every_year(tmp_path, monkeypatch):
    # Every year's keys change with the secret: the fingerprint that decides a full
    # refresh changes too (and does not hold the secret).
    monkeypatch.setenv("ALSES_PSEUDO_SECRET", "premier-secret-de-test-0001")
    premier = empreinte_projet(tmp_path)
    assert empreinte_projet(tmp_path) == premier
    monkeypatch.setenv("ALSES_PSEUDO_SECRET", "second-secret-de-test-00002")
    assert empreinte_projet(tmp_path) != premier
    assert "secret" not in premier


@pytest.fixture(scope="module")
def trois_annees(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("increments")
    bdc, warehouse = tmp / "bdc", tmp / WAREHOUSE_NAME
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
    common = [*options_dbt(tmp / "target", "duckdb"), *UN_FIL, "--quiet"]
    depuis_l_analyse_de_make(tmp / "target")
    parsed = dbtRunner().invoke(["parse", *common])
    assert parsed.success, parsed.exception
    runner = dbtRunner(manifest=parsed.result)

    def invoke(*args: str, entrepot=warehouse, parametres: dict | None = None) -> None:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager as manager

        mp.setenv("ALSES_WAREHOUSE", str(entrepot))  # the profile reads it at each run
        for nom in PARAMETRES_DBT:
            mp.delenv(nom, raising=False)
        for nom, valeur in (parametres or {}).items():
            mp.setenv(nom, valeur)
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
    # the catalog after it, and the parsed project says `alses`).
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
    # The asset's parameters (orchestration/assets/dbt.py), in the environment.
    parametres = {"ALSES_DBT_ANNEES": ",".join(annees)}
    parametres["ALSES_DBT_ANNEES_SUIVANTES"] = ",".join(suivantes)
    # Only the incremental models: the raw data does not change between the runs of a
    # test, so the views, dimensions and whole tables built by the full pass stand.
    select = ["--select", "config.materialized:incremental"]
    invoke("run", *select, parametres=parametres, **kw)


def test_every_table_is_the_same_in_one_pass_in_order_and_in_reverse(dbt):
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


def _annees(df: pd.DataFrame, annees: set[str]) -> pd.DataFrame:
    return df[df["annee_scolaire"].isin(annees)].reset_index(drop=True)


#: The columns that read the detail of the previous year (its jeunes), gone after a purge.
CROISES = {
    "intermediate.int_comparaisons__grappes": [
        "grappes_communes",
        "croise_yy",
        "croise_ym",
        "croise_my",
        "croise_mm",
    ],
    "marts.comparaisons_territoriales": [
        "p_valeur_evolution",
        "p_valeur_evolution_holm",
        "evolution_significative",
    ],
}


def test_one_year_alone_after_a_purge_recomputes_it_and_the_next_indicateurs_only(dbt):
    """A full build, 2020-2021 purged, then 2021-2022 alone (a corrected drop): its rows
    are recomputed everywhere, and 2022-2023's in marts.indicateurs (valeur_n_1); every
    other row stays as it was — the purged year's marts frozen without `geler`, its
    deleted detail not rebuilt; a corrected year's stale rows go."""
    invoke, _, complet = dbt
    w = complet.parent.parent / "purge" / complet.name
    w.parent.mkdir()
    shutil.copy(complet, w)
    full = _etat(w)
    with duckdb.connect(str(w)) as con:
        purger(con, "2020-2021", dt.date(2023, 9, 1))
        con.execute(
            "update marts.indicateurs set valeur_n_1 = -1 where annee_scolaire = '2022-2023'"
        )
        con.execute("update core.fct_intervention set duree_minutes = -1")
        # a row the corrected year no longer yields
        con.execute(
            "insert into core.fct_poste_college select * from core.fct_poste_college "
            "where annee_scolaire = '2021-2022' limit 1"
        )
    _run(invoke, ["2021-2022"], ANNEES, purgees={"2020-2021"}, entrepot=w)
    apres = _etat(w)

    fct = apres["core.fct_intervention"]
    assert (_annees(fct, {"2022-2023"})["duree_minutes"] == -1).all()  # not in the run
    pd.testing.assert_frame_equal(
        _annees(fct, {"2021-2022"}), _annees(full["core.fct_intervention"], {"2021-2022"})
    )
    with duckdb.connect(str(w), read_only=True) as con:
        detail = [r for r in _incrementales(con) if r.startswith(("intermediate.", "core."))]
    for relation, df in full.items():
        if relation == "core.fct_intervention":
            continue
        if relation in detail:  # the purged detail is not rebuilt
            assert _annees(apres[relation], {"2020-2021"}).empty, relation
        if relation.startswith(("intermediate.", "core.")) and "annee_scolaire" in df:
            # purged (dim_annee_scolaire too: dimensions are not run here)
            df = df[df["annee_scolaire"] != "2020-2021"].reset_index(drop=True)
        # the year after the purged one loses its cross-year terms with the purged
        # detail (jeunes present both years): its year-on-year test then takes the
        # two years as independent (alses/comparaisons.py)
        obtenu = apres[relation]
        if relation in CROISES:
            if "grappes_communes" in obtenu:
                suivante = obtenu["annee_scolaire"] == "2021-2022"
                assert (obtenu.loc[suivante, "grappes_communes"].fillna(0) == 0).all()
            obtenu = obtenu.drop(columns=CROISES[relation])
            df = df.drop(columns=CROISES[relation])
        # marts: the purged year frozen, 2021-2022's valeur_n_1 read from it, and
        # 2022-2023's valeur_n_1 recomputed — all as built in one pass
        pd.testing.assert_frame_equal(obtenu, df, obj=relation)
