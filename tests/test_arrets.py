"""Every stop says why, in French: open data of every year, folders that look like
years, a year in which every row is set aside, PostgreSQL before `make roles`."""

from __future__ import annotations

import gc
import re
import shutil

import duckdb
import pytest

from tests.bdc_fixture import tables, write_drop


def test_make_opendata_writes_every_year_even_when_nothing_changed(
    demo_warehouse, tmp_path, monkeypatch, capsys
):
    from alses import opendata

    warehouse = tmp_path / "w.duckdb"
    shutil.copy(demo_warehouse, warehouse)
    monkeypatch.setenv("ALSES_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("ALSES_TARGET", "duckdb")
    for dossier in ("premier", "nouveau"):  # the second: the pattern is up to date
        monkeypatch.setenv("ALSES_OPENDATA_DIR", str(tmp_path / dossier))
        assert opendata.main() == 0
        sortie = capsys.readouterr().out
        for annee in ("2020-2021", "2021-2022"):
            assert (tmp_path / dossier / annee / f"indicateurs_alses_{annee}.csv").is_file()
            assert f"{annee} " in sortie and str(tmp_path / dossier / annee) in sortie
        assert "Empty DataFrame" not in sortie
        lignes = sortie.splitlines()
        assert lignes[0].startswith("Données ouvertes : 2 année(s) écrite(s)")
        assert lignes[1].split() == ["Année", "Cellules", "Publiées", "Masquées", "Dossier"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        publiees = dict(
            con.execute(
                "select i.annee_scolaire, count(*) filter (where s.secret_statistique is null) "
                "from marts.indicateurs i left join marts.secret_statistique s using "
                "(annee_scolaire, perimetre, territoire_code, indicateur, modalite) "
                "group by 1"
            ).fetchall()
        )
    for ligne in lignes[2:]:
        annee, _, publiees_lues, _, _ = re.split(" {2,}", ligne.strip())
        assert int(publiees_lues.replace("\u202f", "")) == publiees[annee]


def test_folders_that_look_like_years_are_each_named_with_the_name_to_give(tmp_path, monkeypatch):
    from alses.depots import drops_to_load
    from alses.settings import settings

    bdc = tmp_path / "bdc"
    write_drop(bdc, annee="2021-2022")
    for name in ("2021-2022 (copie)", "2022_2023", "2022-2023 ", "2022-2024"):
        write_drop(bdc, annee=name)
    (bdc / "2023-2024").write_text("pas un dossier")
    (bdc / "2024-2025").symlink_to(tmp_path / "nulle part")
    (bdc / "notes").mkdir()  # not like a year: not mentioned
    monkeypatch.setenv("ALSES_BDC_DIR", str(bdc))
    monkeypatch.setenv("ALSES_WAREHOUSE", str(tmp_path / "w.duckdb"))
    said: list[str] = []
    assert drops_to_load(settings(), announce=said.append) == ["2021-2022"]
    prefix = "Ignoré : « {} » ressemble à une année mais n'est pas lu ({}) : {}."
    assert said == [
        prefix.format(
            "2021-2022 (copie)",
            "texte en plus de l'année",
            "renommez-le « 2021-2022 » ; le dossier « 2021-2022 » est déjà chargé : gardez-en "
            "un seul",
        ),
        prefix.format(
            "2022-2023 ", "espace au début ou à la fin du nom", "renommez-le « 2022-2023 »"
        ),
        prefix.format(
            "2022-2024", "les deux années ne se suivent pas", "renommez-le « 2022-2023 »"
        ),
        prefix.format(
            "2022_2023", "séparateur « _ » au lieu de « - »", "renommez-le « 2022-2023 »"
        ),
        prefix.format(
            "2023-2024",
            "ce n'est pas un dossier",
            "un dépôt est un dossier « 2023-2024 » qui contient les fichiers de l'année",
        ),
        prefix.format(
            "2024-2025",
            "lien cassé, sa cible n'existe pas",
            "remplacez-le par le dossier de l'année, nommé « 2024-2025 »",
        ),
    ]


def test_a_year_in_which_every_row_is_set_aside_stops_before_building(tmp_path, run_main):
    """One stray `;` on each line of structures.csv: every row is malformed, and every
    row referring to a structure follows. The run stops at the extraction, says what was
    set aside, and writes nothing of the year."""
    data = tables()
    header, rows = data["structures"]
    for row in rows:
        row[1] += ";bis"
    write_drop(tmp_path / "bdc", data)
    run = run_main(
        {
            "ALSES_BDC_DIR": str(tmp_path / "bdc"),
            "ALSES_PSEUDO_SECRET": "un-vrai-secret-de-test-0001",
            "ALSES_WAREHOUSE": str(tmp_path / "w.duckdb"),
            "ALSES_PUBLISHED": str(tmp_path / "alses_marts.duckdb"),
            "ALSES_OUTPUT_DIR": str(tmp_path / "outputs"),
            "ALSES_LOG_DIR": str(tmp_path / "logs"),
            "DAGSTER_HOME": str(tmp_path / "dagster"),
        }
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert "executemany" not in run.stdout + run.stderr
    assert "2021-2022 : modèles dbt" not in run.stdout  # stopped before building
    err = run.stderr
    assert "ÉCHEC 2021-2022 à l'étape « chargement du dépôt dans raw »" in err
    assert (
        "2021-2022 : aucune intervention n'a pu être chargée (interventions.csv : 2 ligne(s) "
        "lue(s), 2 écartée(s))" in err
    )
    assert (
        "  structures.csv : 2 sur 2, surtout « ligne mal formée : nombre de champs différent "
        "de l'en-tête » (dès la ligne 2)" in err
    )
    assert "  usagers.csv : 2 sur 2, surtout « référence à une ligne non chargée" in err
    assert not (tmp_path / "alses_marts.duckdb").exists()
    gc.collect()  # the failed in-process job's frames hold its connection (test_hostile_run)
    if (tmp_path / "w.duckdb").exists():
        with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
            tables_raw = con.execute(
                "select count(*) from duckdb_tables() where schema_name = 'raw'"
            ).fetchone()[0]
            if tables_raw:
                assert con.execute("select count(*) from raw.structures").fetchone() == (0,)


class _Roles:
    """A PostgreSQL connection's answer to the roles query (no server here; the real
    server is tests/test_postgres.py's)."""

    def __init__(self, present: list[str]):
        self.present = present

    def execute(self, sql, params):
        assert "pg_roles" in sql
        rows = [(r,) for r in self.present if r in params]
        return type("R", (), {"fetchall": lambda _self: rows})()


def test_postgres_before_make_roles_stops_before_loading_naming_make_roles():
    from alses.depots import ConfigurationError, refuse_without_roles

    with pytest.raises(ConfigurationError) as refused:
        refuse_without_roles(_Roles([]), "PostgreSQL alses@db:5432/alses")
    assert str(refused.value).startswith(
        "PostgreSQL alses@db:5432/alses : le rôle alses_analyste et le rôle alses_chargement "
        "n'existent pas encore sur ce serveur"
    )
    assert "make roles" in str(refused.value) and "Rien n'a été chargé" in str(refused.value)
    with pytest.raises(ConfigurationError, match="le rôle alses_chargement n'existe pas"):
        refuse_without_roles(_Roles(["alses_analyste"]), "PostgreSQL")
    refuse_without_roles(_Roles(["alses_analyste", "alses_chargement"]), "PostgreSQL")
