"""The journal of publications: every publication recorded with its drops and the
fingerprint of every mart; the cells that changed since the previous one listed."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from alses.publish import derniere_publication, publish, resume_publications

CLES = "annee_scolaire, perimetre, territoire_code, indicateur, modalite"


@pytest.fixture
def travail(demo_warehouse, tmp_path):
    """A copy of the session's demo warehouse that was never published (other tests
    publish the session's warehouse, and each publication is journaled in it)."""
    w = tmp_path / "w.duckdb"
    shutil.copy(demo_warehouse, w)
    with duckdb.connect(str(w)) as con:
        con.execute("drop table if exists marts.journal_publications")
        con.execute("drop table if exists marts.ecarts_publication")
    return w


def test_each_publication_is_journaled_with_drops_and_fingerprints(travail, tmp_path):
    publie = tmp_path / "p.duckdb"
    publish(travail, publie)
    publish(travail, publie)
    with duckdb.connect(str(publie), read_only=True) as con:
        journal = con.execute(
            "select publication_id, publie_le, depots, empreintes, cellules_modifiees, "
            "cellules_ajoutees from marts.journal_publications order by 1"
        ).fetchall()
        lignes = con.execute("select count(*) from marts.indicateurs").fetchone()[0]
    with duckdb.connect(str(travail), read_only=True) as con:
        load_ids = dict(
            con.execute(
                "select annee_scolaire, any_value(load_id) from raw.chargements group by 1"
            ).fetchall()
        )
    assert [j[0] for j in journal] == [1, 2]
    assert journal[0][1] <= journal[1][1]
    assert json.loads(journal[0][2]) == load_ids  # the drops, by content hash
    empreintes = json.loads(journal[0][3])
    assert {"indicateurs", "catalogue_indicateurs", "rapprochement_publication"} <= set(empreintes)
    assert empreintes == json.loads(journal[1][3])  # same content, same fingerprints
    assert journal[0][5] == lignes and journal[0][4] == 0  # first: every cell is new
    assert journal[1][4] == journal[1][5] == 0
    assert derniere_publication(travail) == 2  # the work warehouse keeps the journal


def test_a_corrected_year_shows_its_cells_and_the_next_years_evolutions(travail, tmp_path):
    publie = tmp_path / "p.duckdb"
    publish(travail, publie)
    avant = derniere_publication(travail)
    # A corrected 2020-2021 as the marts see it: one more girl in Cambrai (ALSES).
    with duckdb.connect(str(travail)) as con:
        con.execute(
            """
            update marts.indicateurs set
                numerateur = numerateur + case when modalite = 'F' then 1 else 0 end,
                denominateur = denominateur + 1
            where annee_scolaire = '2020-2021' and perimetre = 'ALSES'
                and territoire_code in ('CAM', 'NORD') and indicateur = 'sexe'
            """
        )
        con.execute(
            "update marts.indicateurs set valeur = 100.0 * numerateur / denominateur "
            "where annee_scolaire = '2020-2021' and perimetre = 'ALSES' "
            "and territoire_code in ('CAM', 'NORD') and indicateur = 'sexe'"
        )
        con.execute(
            """
            update marts.indicateurs as n set
                valeur_n_1 = a.valeur, evolution_points = n.valeur - a.valeur
            from marts.indicateurs as a
            where n.annee_scolaire = '2021-2022' and a.annee_scolaire = '2020-2021'
                and n.perimetre = a.perimetre and n.territoire_code = a.territoire_code
                and n.indicateur = a.indicateur and n.modalite = a.modalite
                and a.indicateur = 'sexe' and a.perimetre = 'ALSES'
                and a.territoire_code in ('CAM', 'NORD')
            """
        )
    publish(travail, publie)
    with duckdb.connect(str(publie), read_only=True) as con:
        ecarts = con.execute(
            f"select {CLES}, statut, colonnes_modifiees, ancienne_valeur, nouvelle_valeur, "
            "difference from marts.ecarts_publication where publication_id = 2 order by all"
        ).fetchall()
    annee_corrigee = [e for e in ecarts if e[0] == "2020-2021"]
    suivante = [e for e in ecarts if e[0] == "2021-2022"]
    # Exactly the corrected cells: F and M (a new base) in Cambrai and the Nord.
    assert {(e[2], e[4]) for e in annee_corrigee} == {
        (t, m) for t in ("CAM", "NORD") for m in ("F", "M")
    }
    assert all(e[5] == "modifiée" for e in ecarts)
    for e in annee_corrigee:
        assert e[9] == pytest.approx(e[8] - e[7])
    # The next year: only its evolutions (valeur_n_1, evolution_points) moved.
    assert {(e[2], e[4]) for e in suivante} == {(t, m) for t in ("CAM", "NORD") for m in ("F", "M")}
    assert {e[6] for e in suivante} == {"valeur_n_1 evolution_points"}
    ligne = resume_publications(travail, avant)
    assert "8 cellule(s) modifiée(s)" in ligne
