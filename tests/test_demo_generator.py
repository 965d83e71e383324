"""The demo drops' totals, read back from the CSV files the generator wrote."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest

from alses.demo.generator import write_demo
from alses.extract import load_drop
from alses.settings import ROOT

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
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    write_demo(root)
    return root


@pytest.fixture(scope="module")
def drop(root):
    d = root / "2021-2022"
    return {
        name: pd.read_csv(d / f"{name}.csv", sep=";", dtype=str, keep_default_na=False)
        for name in ("structures", "postes", "affectations", "usagers", "interventions")
    }


def test_demo_is_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write_demo(a)
    write_demo(b)
    for f in sorted((a / "2021-2022").iterdir()):
        assert f.read_bytes() == (b / "2021-2022" / f.name).read_bytes(), f.name
    assert "SYNTHÉTIQUES" in (a / "README.md").read_text()


def test_jeunes_accompagnes_by_territory(drop):
    postes = drop["postes"].assign(alses=norm(drop["postes"].fonction) == "alses")
    i = drop["interventions"].merge(postes[["poste_id", "alses"]], on="poste_id")
    assert dates(i.date_intervention).between(START, END).all()
    jeunes = i.groupby("usager_id").alses.any().reset_index()
    assert len(jeunes) == 7261
    u = drop["usagers"].merge(drop["structures"], on="structure_id")
    alses = jeunes[jeunes.alses].merge(u, on="usager_id")
    assert alses.territoire.value_counts().to_dict() == {
        "Cambrai": 213,
        "Douai": 165,
        "Valenciennes": 589,
        "Sambre-Avesnois": 447,
        "Versant-Nord-Est": 509,
        "Lille": 706,
        "Flandres": 331,
    }


def test_postes_educateurs_colleges(drop):
    p = drop["postes"]
    p = p[
        (norm(p.fonction) == "alses")
        & (dates(p.date_debut) <= END)
        & (dates(p.date_fin).isna() | (dates(p.date_fin) >= START))
    ]
    assert len(p) == 73
    assert (norm(p.plan_pauvrete) == "oui").sum() == 32
    colleges = {c for v in p.colleges_uai for c in v.split("|") if c}
    assert len(colleges) == 74
    a = drop["affectations"].merge(p[["poste_id", "plan_pauvrete"]], on="poste_id")
    a = a[(dates(a.date_debut) <= END) & (dates(a.date_fin).isna() | (dates(a.date_fin) >= START))]
    assert a.educateur_id.nunique() == 75
    assert a[norm(a.plan_pauvrete) == "oui"].educateur_id.nunique() == 33


def test_demo_drops_load_without_rejection(root, tmp_path):
    import duckdb

    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        for annee in ("2020-2021", "2021-2022"):
            loads = load_drop(con, root / annee, ROOT / "seeds" / "nomenclatures.csv")
            assert all(tl.lues == tl.chargees > 0 for tl in loads), annee
        assert con.execute("select count(*) from raw.quarantaine").fetchone()[0] == 0
        # the same jeune keeps the same usager_id, sexe and date of birth across drops
        same = con.execute(
            "select count(*), count(*) filter (where bdc_norm(a.sexe) = bdc_norm(b.sexe) "
            "and bdc_date(a.date_naissance) = bdc_date(b.date_naissance)) "
            "from raw.usagers a join raw.usagers b "
            "on a.usager_id = b.usager_id and a.annee_scolaire = '2020-2021' "
            "and b.annee_scolaire = '2021-2022'"
        ).fetchone()
        assert same[0] > 400 and same[0] == same[1]
