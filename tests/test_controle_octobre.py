"""The October gate (alses/controle.py, models/controle/, docs/controle_octobre.md) on
small drops derived from the demo (four structures of Douai and Cambrai): one build of
seven school years, each holding one fault, then the gate and the re-exports on copies.

2020-2021 and 2021-2022: the demo's years (normal); 2022-2023: a structure that did not
export; 2023-2024: the sexe column emptied; 2024-2025: 79 % of usagers.csv in
Windows-1252 behind a UTF-8 mark; 2025-2026: an export stopping in March; 2026-2027:
the previous year's files copied under its name.
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from alses.extract import load_drop
from tests import depots_controle as d
from tests.conftest import NOMENCLATURES, WAREHOUSE_NAME, run_year

#: The faulty years, each with the checks it may block on (the first one must).
ATTENDUS = {
    "2022-2023": ["volume_structure", "volume_territoire"],
    "2023-2024": ["colonne_videe", "renseignement_baisse"],
    "2024-2025": [
        "lignes_ecartees",
        "volume_departement",
        "volume_territoire",
        "volume_structure",
        "volume_fichier",
        "colonne_videe",
        "renseignement_baisse",
    ],
    "2025-2026": ["dernier_mois", "mois_creux", "volume_departement", "volume_fichier"],
    "2026-2027": [
        "fichier_identique",
        "hors_annee",
        "lignes_ecartees",
        "volume_departement",
        "volume_territoire",
        "volume_structure",
        "volume_fichier",
        "colonne_videe",
        "renseignement_baisse",
    ],
}


def _demo() -> Path:
    if ecrits := os.environ.get("ALSES_TESTS_DEPOTS_DEMO"):
        return Path(ecrits)
    pytest.skip("make test writes the demo drops (ALSES_TESTS_DEPOTS_DEMO)")


def _dbt_run(warehouse: Path, **parametres: str) -> None:
    from tests.test_dbt import dbt

    sortie = dbt(
        "build",
        warehouse,
        "--select",
        "+controle_annee",
        "--exclude-resource-type",
        "test",
        "unit_test",
        **parametres,
    )
    assert sortie.returncode == 0, sortie.stdout[-3000:]


@pytest.fixture(scope="module")
def octobre(tmp_path_factory) -> Path:
    """The seven years loaded and the models the audit reads built; the root folder
    (bdc/, the drops; alses.duckdb, the warehouse)."""
    demo = _demo()
    root = tmp_path_factory.mktemp("octobre")
    bdc, modeles = root / "bdc", root / "modeles"
    d.petit_depot(demo / "2020-2021", bdc / "2020-2021")
    normal = d.petit_depot(demo / "2021-2022", modeles / "2021-2022")
    shutil.copytree(normal, bdc / "2021-2022")
    d.sans_structure(d.decaler(normal, bdc, 1), "SDOU1")
    vide = d.decaler(normal, bdc, 2)
    d.sans_structure(vide, "SDOU1")
    d.colonne_videe(vide, "usagers", "sexe")
    encodage = d.decaler(normal, bdc, 3)
    d.sans_structure(encodage, "SDOU1")
    d.windows_1252_annonce_utf8(encodage, 0.79)
    mars = d.decaler(normal, bdc, 4)
    d.sans_structure(mars, "SDOU1")
    d.arrete_en_mars(mars)
    shutil.copytree(mars, bdc / "2026-2027")
    warehouse = root / WAREHOUSE_NAME
    with duckdb.connect(str(warehouse)) as con:
        for drop in sorted(bdc.iterdir()):
            load_drop(con, drop, NOMENCLATURES)
    _dbt_run(warehouse)
    return root


def _bloquants(warehouse: Path, annee: str) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select controle, objet_libelle, valeur, reference from controle.controle_annee "
            "where annee_scolaire = ? and est_bloquant order by all",
            [annee],
        ).fetchall()
    out: dict[str, list[tuple]] = {}
    for controle, *reste in rows:
        out.setdefault(controle, []).append(tuple(reste))
    return out


def test_the_normal_years_pass_and_the_first_one_compares_with_nothing(octobre):
    warehouse = octobre / WAREHOUSE_NAME
    assert _bloquants(warehouse, "2020-2021") == {}
    assert _bloquants(warehouse, "2021-2022") == {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        statuts = dict(
            con.execute(
                "select annee_scolaire, string_agg(distinct statut, ',' order by statut) "
                "from controle.controle_annee where controle = 'volume_structure' group by 1"
            ).fetchall()
        )
    assert statuts["2020-2021"] == "sans comparaison"
    assert statuts["2021-2022"] == "conforme"


@pytest.mark.parametrize("annee", sorted(ATTENDUS))
def test_each_faulty_drop_blocks_for_its_reason(octobre, annee):
    bloquants = _bloquants(octobre / WAREHOUSE_NAME, annee)
    raison, *autres = ATTENDUS[annee]
    assert raison in bloquants, bloquants
    assert set(bloquants) <= {raison, *autres}, bloquants
    lignes = bloquants[raison]
    if annee == "2022-2023":  # named, against the previous year
        assert {(nom, ref) for nom, _, ref in lignes} == {
            ("Club de prévention de Douai", "2021-2022")
        }
    elif annee == "2023-2024":
        assert [(nom, valeur) for nom, valeur, _ in lignes] == [("sexe", 0.0)]
    elif annee == "2024-2025":
        usagers = [valeur for nom, valeur, _ in lignes if nom == "usagers.csv"]
        assert usagers == [pytest.approx(79.0, abs=0.1)]
    elif annee == "2025-2026":
        assert lignes == [("2026-03", 7.0, None)]  # March is the 7th month of the year
    else:  # the whole drop, and each activity file, as 2025-2026's
        assert ("dépôt entier (tous les fichiers)", 1.0, "2025-2026") in lignes
        assert {ref for *_, ref in lignes} == {"2025-2026"}


def _installation(octobre: Path, nom: str) -> dict[str, str]:
    """A copy of the module's warehouse with its own published file and outputs."""
    root = octobre / nom
    root.mkdir()
    shutil.copy(octobre / WAREHOUSE_NAME, root / WAREHOUSE_NAME)
    return {
        "ALSES_BDC_DIR": str(octobre / "bdc"),
        "ALSES_WAREHOUSE": str(root / WAREHOUSE_NAME),
        "ALSES_PUBLISHED": str(root / "publie" / "alses_marts.duckdb"),
        "ALSES_OUTPUT_DIR": str(root / "outputs"),
        "ALSES_OPENDATA_DIR": str(root / "opendata"),
    }


def test_a_blocked_year_publishes_nothing_until_accepted(octobre, monkeypatch):
    import dagster as dg

    from alses.publish import publish
    from orchestration.garde import GARDE, message_du_run

    env = _installation(octobre, "garde")
    for cle, valeur in env.items():
        monkeypatch.setenv(cle, valeur)
    monkeypatch.delenv("ALSES_ACCEPTER", raising=False)
    published = Path(env["ALSES_PUBLISHED"])
    publish(Path(env["ALSES_WAREHOUSE"]), published)
    avant = published.read_bytes()
    publication = dg.AssetKey(["publication", "marts_analystes"])

    bloque = run_year("2024-2025", asset_selection=[GARDE, publication])
    assert not bloque.success
    assert [e.step_key for e in bloque.all_events if e.is_step_failure] == ["controle__garde"]
    assert not [e for e in bloque.all_events if e.step_key == "publication__marts_analystes"]
    assert published.read_bytes() == avant
    message = message_du_run(bloque, "controle__garde")
    page = Path(env["ALSES_OUTPUT_DIR"]) / "controle_2024-2025.html"
    assert "2024-2025" in message and "Lignes écartées à l'extraction" in message
    assert str(page) in message and "ACCEPTER=2024-2025" in message
    html = page.read_text(encoding="utf-8")
    assert "rien de public n'est écrit" in html and "usagers.csv" in html
    assert page.with_suffix(".pdf").read_bytes().startswith(b"%PDF")

    monkeypatch.setenv("ALSES_ACCEPTER", "2024-2025")
    accepte = run_year("2024-2025", asset_selection=[GARDE, publication])
    assert accepte.success
    assert published.read_bytes() != avant
    with duckdb.connect(str(published), read_only=True) as con:
        acceptations = json.loads(
            con.execute(
                "select acceptations from marts.journal_publications "
                "order by publication_id desc limit 1"
            ).fetchone()[0]
        )
    assert acceptations["2024-2025"]["accepte_par"] == getpass.getuser()
    assert "lignes_ecartees" in acceptations["2024-2025"]["controles"]
    assert "acceptée par" in page.read_text(encoding="utf-8")

    # Accepted for this drop: the next run passes without ACCEPTER.
    monkeypatch.delenv("ALSES_ACCEPTER")
    assert run_year("2024-2025", asset_selection=[GARDE]).success


def test_a_reexport_is_compared_with_the_published_version(octobre, monkeypatch):
    """2020-2021 corrected (five interventions changed) passes; 2021-2022 re-exported
    without the Caudry club blocks against the version the analysts' file holds."""
    from alses.publish import publish

    env = _installation(octobre, "reexport")
    for cle, valeur in env.items():
        monkeypatch.setenv(cle, valeur)
    warehouse = Path(env["ALSES_WAREHOUSE"])
    publish(warehouse, Path(env["ALSES_PUBLISHED"]))
    bdc = octobre / "reexport" / "bdc"
    corrige = shutil.copytree(octobre / "bdc" / "2020-2021", bdc / "2020-2021")
    d.corriger_quelques_lignes(corrige)
    partiel = shutil.copytree(octobre / "bdc" / "2021-2022", bdc / "2021-2022")
    d.sans_structure(partiel, "SCAM2")
    with duckdb.connect(str(warehouse)) as con:
        load_drop(con, corrige, NOMENCLATURES)
        load_drop(con, partiel, NOMENCLATURES)
    _dbt_run(
        warehouse,
        ALSES_DBT_ANNEES="2020-2021,2021-2022",
        ALSES_DBT_ANNEES_SUIVANTES="2022-2023",
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        publiee = con.execute(
            "select count(*) from controle.controle_annee where annee_scolaire = '2020-2021' "
            "and reference = '2020-2021 (version publiée)'"
        ).fetchone()[0]
    assert publiee > 0
    assert _bloquants(warehouse, "2020-2021") == {}
    bloquants = _bloquants(warehouse, "2021-2022")
    assert ("Club de prévention de Caudry", 0.0, "2021-2022 (version publiée)") in bloquants[
        "volume_structure"
    ]
