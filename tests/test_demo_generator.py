"""The demo drops' totals, read back from the CSV files the generator wrote, against
its calibration targets (alses/demo/targets.py). The volumes the marts compute from
them are checked once, against the published figures (marts.rapprochement_publication,
tests/dbt/assert_chiffres_publies_conformes.sql)."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest

from alses.demo import targets
from alses.demo.generator import write_demo
from alses.territoires import LIBELLES

START, END = pd.Timestamp("2021-09-01"), pd.Timestamp("2022-08-31")


def norm(s: pd.Series) -> pd.Series:
    return s.fillna("").map(
        lambda v: " ".join(
            "".join(c for c in unicodedata.normalize("NFD", v) if not unicodedata.combining(c))
            .lower()
            .split()
        )
    )


def dates(s: pd.Series) -> pd.Series:
    iso = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    fr = pd.to_datetime(s, format="%d/%m/%Y", errors="coerce")
    return iso.fillna(fr)


@pytest.fixture(scope="module")
def root(demo_drops):
    return demo_drops


@pytest.fixture(scope="module")
def drop(root):
    d = root / "2021-2022"
    return {
        name: pd.read_csv(d / f"{name}.csv", sep=";", dtype=str, keep_default_na=False)
        for name in ("structures", "postes", "affectations", "usagers", "interventions")
    }


def test_demo_is_deterministic(root, tmp_path):
    # Under `make test`, `root` was written by another process (the Makefile's, another
    # hash seed): the same bytes, whatever the process.
    a, b = root, tmp_path / "b"
    write_demo(b)
    for f in sorted((a / "2021-2022").iterdir()):
        assert f.read_bytes() == (b / "2021-2022" / f.name).read_bytes(), f.name
    assert "SYNTHÉTIQUES" in (a / "README.md").read_text()


def test_jeunes_accompagnes_by_territory(drop):
    postes = drop["postes"].assign(alses=norm(drop["postes"].fonction) == "alses")
    i = drop["interventions"].merge(postes[["poste_id", "alses"]], on="poste_id")
    assert dates(i.date_intervention).between(START, END).all()
    jeunes = i.groupby("usager_id").alses.any().reset_index()
    assert len(jeunes) == targets.JEUNES_PS_2122
    u = drop["usagers"].merge(drop["structures"], on="structure_id")
    alses = jeunes[jeunes.alses].merge(u, on="usager_id")
    assert alses.territoire.value_counts().to_dict() == {
        LIBELLES[t]: n for t, n in targets.JEUNES_ALSES_2122.items()
    }


def test_postes_educateurs_colleges(drop):
    p = drop["postes"]
    p = p[
        (norm(p.fonction) == "alses")
        & (dates(p.date_debut) <= END)
        & (dates(p.date_fin).isna() | (dates(p.date_fin) >= START))
    ]
    postes = sum(n for n, _ in targets.POSTES_ALSES.values())
    plan = sum(n for _, n in targets.POSTES_ALSES.values())
    assert len(p) == postes
    assert (norm(p.plan_pauvrete) == "oui").sum() == plan
    colleges = {c for v in p.colleges_uai for c in v.split("|") if c}
    assert len(colleges) == postes + 1  # one Valenciennes post serves two
    a = drop["affectations"].merge(p[["poste_id", "plan_pauvrete"]], on="poste_id")
    a = a[(dates(a.date_debut) <= END) & (dates(a.date_fin).isna() | (dates(a.date_fin) >= START))]
    # each post held by two educators in turn (RELAIS) counts one educator more
    assert a.educateur_id.nunique() == postes + len(targets.RELAIS)
    relais_plan = sum(1 for _, en_plan in targets.RELAIS if en_plan)
    assert a[norm(a.plan_pauvrete) == "oui"].educateur_id.nunique() == plan + relais_plan


def test_demo_drops_load_without_rejection(demo_warehouse):
    import duckdb

    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        loads = con.execute(
            "select annee_scolaire, table_bdc, lignes_lues, lignes_chargees from raw.chargements"
        ).fetchall()
        assert {r[0] for r in loads} == {"2020-2021", "2021-2022"}
        assert all(lues == chargees > 0 for _, _, lues, chargees in loads), loads
        assert con.execute("select count(*) from raw.quarantaine").fetchone()[0] == 0
        # the same jeune keeps the same usager_id, sexe and date of birth across drops
        # (labels compared as the extraction matches them, dates read in either format)
        norm = "lower(regexp_replace(strip_accents(trim({})), '\\s+', ' ', 'g'))"
        date = "coalesce(try_strptime({0}, '%d/%m/%Y'), try_strptime({0}, '%Y-%m-%d'))"
        same = con.execute(
            f"select count(*), count(*) filter (where {norm.format('a.sexe')} = "
            f"{norm.format('b.sexe')} and {date.format('a.date_naissance')} = "
            f"{date.format('b.date_naissance')}) "
            "from raw.usagers a join raw.usagers b "
            "on a.usager_id = b.usager_id and a.annee_scolaire = '2020-2021' "
            "and b.annee_scolaire = '2021-2022'"
        ).fetchone()
        assert same[0] > 400 and same[0] == same[1]
