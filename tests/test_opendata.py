"""Open data and the analysts' secret column, on the demo warehouse: the package is valid
Frictionless, no small count is published, and the LP audit passes on the files."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from alses.disclosure import CLES, auditer
from alses.opendata import COLONNES, ecrire_secret, exporter, lire_publiques
from alses.publish import publish
from alses.secret import DEFINITION, MARQUE


@pytest.fixture(scope="module")
def demo_secret(demo_warehouse, tmp_path_factory):
    """A copy of the demo warehouse with marts.secret_statistique written, and the
    open data of each year exported from it."""
    tmp = tmp_path_factory.mktemp("opendata")
    warehouse = tmp / "w.duckdb"
    shutil.copy(demo_warehouse, warehouse)
    ecrire_secret(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        publiques = lire_publiques(con)
        exactes = con.execute(
            f"select {', '.join(COLONNES)} from marts.indicateurs order by all"
        ).df()
    annees = sorted(exactes["annee_scolaire"].unique())
    fichiers = {a: exporter(publiques, a, tmp / "opendata") for a in annees}
    return warehouse, exactes, fichiers


def test_datapackage_is_valid_frictionless(demo_secret):
    from frictionless import Package

    _, _, fichiers = demo_secret
    for chemins in fichiers.values():
        rapport = Package(str(chemins["datapackage"])).validate()
        assert rapport.valid, rapport.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
        schema = Package(str(chemins["datapackage"])).resources[0].schema
        assert [f.name for f in schema.fields] == [*COLONNES, "secret_statistique"]
        assert all(f.description and f.type != "any" for f in schema.fields)


def test_files_hide_small_counts_and_pass_the_attackers_integer_programme(demo_secret):
    """Read back as an outsider reads them: each mark is a cell recorded as suppressed,
    no count of 1–9 jeunes shows below the département, and the attacker's integer
    programme over every published file of the year leaves every suppressed count an
    interval as wide as the rule asks (alses/disclosure.py, Plan.requis)."""
    warehouse, exactes, fichiers = demo_secret
    with duckdb.connect(str(warehouse), read_only=True) as con:
        enregistrees = (
            con.execute(f"select {', '.join(CLES)} from marts.secret_statistique").df().astype(str)
        )
    for annee, chemins in fichiers.items():
        csv = pd.read_csv(
            chemins["csv"], dtype={"modalite": str}, keep_default_na=False, na_values=[""]
        )
        parquet = duckdb.execute("select * from read_parquet(?)", [str(chemins["parquet"])]).df()
        assert len(csv) == len(parquet) == (exactes["annee_scolaire"] == annee).sum()
        assert list(csv.columns) == [*COLONNES, "secret_statistique"]
        masque = csv["secret_statistique"].notna()
        assert set(csv.loc[masque, "secret_statistique"]) == {MARQUE}  # never the reason
        marquees = set(csv.loc[masque, CLES].astype(str).itertuples(index=False, name=None))
        annee_enr = enregistrees[enregistrees["annee_scolaire"] == annee]
        assert marquees == set(annee_enr.itertuples(index=False, name=None))
        assert DEFINITION in chemins["readme"].read_text(encoding="utf-8")
        for col in ("numerateur", "denominateur", "valeur"):
            assert csv.loc[masque, col].isna().all()
        assert (parquet["secret_statistique"].notna() == masque).all()
        # No count of 1–9 shows below the département.
        sous_nord = csv["territoire_code"] != "NORD"
        for col in ("numerateur", "denominateur"):
            petit = csv[col].between(1, 9) & sous_nord
            petit &= ~csv["indicateur"].isin(
                ["postes_alses", "educateurs_alses", "colleges_couverts"]
            )
            assert not petit.any(), csv[petit].head()
        assert (csv.loc[~sous_nord, "secret_statistique"].isna()).all()
        # A published rank counts the published modalities of its territory only.
        classees = csv[csv["rang"].notna()]
        attendu = classees.groupby(CLES[:4])["valeur"].rank(method="min", ascending=False)
        assert (classees["rang"] == attendu).all()
        # The attacker reads every published file of the year.
        etroites = auditer(exactes[exactes["annee_scolaire"] == annee], csv[[*CLES, "numerateur"]])
        assert etroites.empty, etroites.head().to_string()


def test_analysts_file_keeps_exact_figures_with_the_reason(demo_secret, tmp_path):
    warehouse, exactes, _ = demo_secret
    publie = tmp_path / "publie.duckdb"
    publish(warehouse, publie)
    with duckdb.connect(str(publie), read_only=True) as con:
        analystes = con.execute(
            f"select {', '.join(COLONNES)}, secret_statistique from marts.indicateurs order by all"
        ).df()
        dico = con.execute(
            "select description from marts.dictionnaire "
            "where table_name = 'indicateurs' and colonne = 'secret_statistique'"
        ).fetchall()
    assert dico and "secret" in dico[0][0].lower()
    pd.testing.assert_frame_equal(
        analystes[COLONNES].reset_index(drop=True),
        exactes.reset_index(drop=True),
        check_dtype=False,
    )
    assert analystes["secret_statistique"].notna().sum() > 0


def test_only_the_years_whose_cells_or_rules_changed_are_computed_again(
    demo_secret, tmp_path, monkeypatch
):
    """ecrire_secret computes again the years whose cells (or the rules) changed since
    they were computed, and those only: a recomputed year gets the rows computed from
    every year at once — a year's pattern depends on its own cells only — and the other
    years' rows are kept as recorded (a marked row stays)."""
    from alses import opendata

    warehouse, exactes, _ = demo_secret
    annees = sorted(exactes["annee_scolaire"].unique())
    assert len(annees) > 1
    lire = "select * from marts.secret_statistique"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tout = con.execute(lire).df()

    def marquer(copie: Path) -> None:
        with duckdb.connect(str(copie)) as con:
            con.execute("update marts.secret_statistique set secret_statistique = 'repère'")

    def lignes(copie: Path) -> pd.DataFrame:
        with duckdb.connect(str(copie), read_only=True) as con:
            types = {r[0]: r[1] for r in con.execute(f"describe ({lire})").fetchall()}
            assert set(types.values()) == {"VARCHAR"}
            return con.execute(lire).df()

    def attendu(recalculees: list[str]) -> pd.DataFrame:
        out = tout.copy()
        out.loc[~out["annee_scolaire"].isin(recalculees), "secret_statistique"] = "repère"
        return out

    copie = tmp_path / "w.duckdb"
    shutil.copy(warehouse, copie)
    marquer(copie)
    ecrire_secret(copie)  # nothing changed: nothing computed
    pd.testing.assert_frame_equal(lignes(copie), attendu([]))
    for annee in annees:  # a year's cells changed (here: its fingerprint forgotten)
        shutil.copy(warehouse, copie)
        marquer(copie)
        with duckdb.connect(str(copie)) as con:
            con.execute("delete from pilotage.secret_par_annee where annee_scolaire = ?", [annee])
        ecrire_secret(copie)
        pd.testing.assert_frame_equal(lignes(copie), attendu([annee]))
    # A real change of a cell: that year again. New rules: every year.
    shutil.copy(warehouse, copie)
    marquer(copie)
    with duckdb.connect(str(copie)) as con:
        con.execute(
            "update marts.indicateurs set territoire_libelle = territoire_libelle || ' ' "
            "where annee_scolaire = ?",
            [annees[-1]],
        )
    ecrire_secret(copie)
    pd.testing.assert_frame_equal(lignes(copie), attendu([annees[-1]]))
    marquer(copie)
    empreintes = opendata.empreintes_cellules
    monkeypatch.setattr(
        opendata,
        "empreintes_cellules",
        lambda con: {a: e + "-nouvelles-regles" for a, e in empreintes(con).items()},
    )
    ecrire_secret(copie)
    pd.testing.assert_frame_equal(lignes(copie), attendu(annees))
