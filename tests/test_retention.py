"""Retention with a frozen clock: a school year's personal detail is purged N years
after its end, its marts stay as they were, and after a full refresh `geler` puts them
back frozen. (An incremental run, which never recomputes a purged year, keeps them
without `geler`: tests/test_increments.py.)"""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pandas as pd
import pytest

from alses.retention import (
    TABLES_PERSONNELLES,
    annee_purgee,
    echeance,
    geler,
    purger_echues,
)

ORDRE = "order by annee_scolaire, perimetre, territoire_code, indicateur, modalite"


def test_due_date_is_n_years_after_the_31_august():
    assert echeance("2020-2021", 2) == dt.date(2023, 9, 1)
    assert echeance("2021-2022", 3) == dt.date(2025, 9, 1)


@pytest.fixture
def travail(demo_warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("ALSES_RETENTION_ANNEES", "2")
    w = tmp_path / "w.duckdb"
    shutil.copy(demo_warehouse, w)
    return w


def _marts(w) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(w), read_only=True) as con:
        return {
            t: con.execute(f"select * from marts.{t} order by all").df()
            for t in ("indicateurs", "qualite_saisie")
        }


def _compte(con, relation: str, annee: str) -> int:
    return con.execute(
        f"select count(*) from {relation} where annee_scolaire = ?", [annee]
    ).fetchone()[0]


def test_a_year_purged_its_marts_unchanged_its_detail_gone(travail):
    avant = _marts(travail)
    assert purger_echues(travail, dt.date(2023, 8, 31)) == {}  # not yet due
    faites = purger_echues(travail, dt.date(2023, 9, 1))
    assert list(faites) == ["2020-2021"]
    assert annee_purgee(travail, "2020-2021") == "2023-09-01"
    assert annee_purgee(travail, "2021-2022") is None
    with duckdb.connect(str(travail), read_only=True) as con:
        for table in TABLES_PERSONNELLES:
            assert _compte(con, f"raw.{table}", "2020-2021") == 0
            assert _compte(con, f"staging.stg_bdc__{table}", "2020-2021") == 0
            assert _compte(con, f"raw.{table}", "2021-2022") > 0  # the other year stays
        for relation in ("core.fct_accompagnement", "core.fct_intervention"):
            assert _compte(con, relation, "2020-2021") == 0
            assert _compte(con, relation, "2021-2022") > 0
        assert (
            con.execute(
                "select count(*) from raw.quarantaine where annee_scolaire = '2020-2021' "
                "and table_bdc in ('usagers', 'situations', 'interventions')"
            ).fetchone()[0]
            == 0
        )
    apres = _marts(travail)
    for table, df in avant.items():
        pd.testing.assert_frame_equal(df, apres[table])
    # Purging again the next day finds nothing left to purge.
    assert purger_echues(travail, dt.date(2023, 9, 2)) == {}


def test_a_full_refresh_after_the_purge_gets_the_frozen_marts_back(travail):
    avant = _marts(travail)
    purger_echues(travail, dt.date(2023, 9, 1))
    with duckdb.connect(str(travail)) as con:
        # What a full refresh leaves: 2020-2021 not as published (here: gone), no
        # previous year for 2021-2022.
        for table in ("indicateurs", "qualite_saisie"):
            con.execute(f"delete from marts.{table} where annee_scolaire = '2020-2021'")
        con.execute("update marts.indicateurs set valeur_n_1 = null, evolution_points = null")
        assert geler(con) == ["2020-2021"]
    apres = _marts(travail)
    for table, df in avant.items():
        pd.testing.assert_frame_equal(df, apres[table], check_like=True)
