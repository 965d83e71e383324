"""What the user reads from `python -m orchestration.run` when the input or the machine is
hostile, and what must never be written: the pseudonymisation secret, personal values."""

from __future__ import annotations

import errno
import gc
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from alses.extract import load_drop
from alses.pseudonym import DEMO_SECRET, SecretError
from alses.settings import DEMO_MARKER, DEMO_YEAR_FILE, ROOT, artefacts_dbt
from tests.bdc_fixture import tables, write_drop
from tests.conftest import NOMENCLATURES


@pytest.fixture
def run(run_main):
    """`python -m orchestration.run` (in process, conftest.run_main) in a throwaway
    installation: only the given settings, the others under tmp_path."""

    def _run(tmp_path: Path, env: dict[str, str]):
        return run_main(
            {
                "ALSES_WAREHOUSE": str(tmp_path / "w.duckdb"),
                "ALSES_PUBLISHED": str(tmp_path / "publie.duckdb"),
                "ALSES_OUTPUT_DIR": str(tmp_path / "outputs"),
                "ALSES_LOG_DIR": str(tmp_path / "logs"),
                "DAGSTER_HOME": str(tmp_path / "dagster"),
            }
            | env
        )

    return _run


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_unusable_export_folder_is_named_and_never_written(tmp_path, run):
    export = tmp_path / "export"
    write_drop(export, annee="2021_2022")  # underscore: not a drop
    before = sorted(p.relative_to(export) for p in export.rglob("*"))
    result = run(tmp_path, {"ALSES_BDC_DIR": str(export), "ALSES_PSEUDO_SECRET": "x" * 20})
    assert result.returncode == 1
    assert f"ALSES_BDC_DIR = {export} : aucun dépôt dans ce dossier" in result.stderr
    assert "Trouvé : 2021_2022/." in result.stderr
    assert (
        "« 2021_2022 » ressemble à une année mais n'est pas lu (séparateur « _ » au lieu de "
        "« - ») : renommez-le « 2021-2022 »" in result.stderr
    )
    assert "Traceback" not in result.stderr + result.stdout
    assert sorted(p.relative_to(export) for p in export.rglob("*")) == before  # no demo
    assert not (tmp_path / "w.duckdb").exists()


def test_a_real_export_without_secret_stops_before_loading(tmp_path, run):
    export = tmp_path / "export"
    write_drop(export)
    result = run(tmp_path, {"ALSES_BDC_DIR": str(export)})
    assert result.returncode == 1
    assert "ALSES_PSEUDO_SECRET n'est pas défini" in result.stderr
    assert "export ALSES_PSEUDO_SECRET=" in result.stderr  # says how to set it
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "w.duckdb").exists()


def test_secret_or_stop_rules(tmp_path, monkeypatch):
    from alses.depots import ConfigurationError, drops_to_load
    from alses.pseudonym import pseudo_secret
    from alses.settings import settings

    monkeypatch.delenv("ALSES_PSEUDO_SECRET")
    write_drop(tmp_path / "reel")
    with pytest.raises(SecretError):
        pseudo_secret(tmp_path / "reel")
    monkeypatch.setenv("ALSES_PSEUDO_SECRET", "court")
    with pytest.raises(SecretError, match="trop court"):
        pseudo_secret(tmp_path / "reel")
    # unset ALSES_BDC_DIR: the demo is written to the default folder, with its secret
    monkeypatch.delenv("ALSES_PSEUDO_SECRET")
    monkeypatch.delenv("ALSES_BDC_DIR", raising=False)
    monkeypatch.setattr("alses.settings.ROOT", tmp_path)
    written = []

    def demo(folder):
        written.append(folder)
        (folder / "2021-2022").mkdir(parents=True)
        (folder / "2021-2022" / DEMO_YEAR_FILE).write_text(DEMO_MARKER + "\n")

    cfg = settings()
    assert drops_to_load(cfg, write_demo=demo) == ["2021-2022"]
    assert written == [tmp_path / "data" / "bdc"]
    assert pseudo_secret(cfg.bdc_dir) == DEMO_SECRET
    # a default folder holding something else is not overwritten either
    shutil.rmtree(cfg.bdc_dir / "2021-2022")
    (cfg.bdc_dir / "notes.txt").write_text("x")
    with pytest.raises(ConfigurationError, match="notes.txt"):
        drops_to_load(cfg, write_demo=demo)
    assert len(written) == 1


def _disk_full(con):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_disk_full_keeps_the_warehouse_and_the_published_file(tmp_path, run, monkeypatch):
    export = tmp_path / "export"
    drop = write_drop(export)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        load_drop(con, drop, NOMENCLATURES, secret="x" * 20)
        before = con.execute("select * from raw.usagers order by all").fetchall()
    published = tmp_path / "publie.duckdb"
    published.write_bytes(b"version precedente")
    data = tables()
    data["usagers"][1][1][6] = "Roubaix"
    write_drop(export, data)
    env = {"ALSES_BDC_DIR": str(export), "ALSES_PSEUDO_SECRET": "x" * 20}
    monkeypatch.setattr("alses.extract._commit", _disk_full)
    result = run(tmp_path, env)
    assert result.returncode == 1
    assert "disque plein pendant le chargement de l'année 2021-2022" in result.stderr
    assert "cannot rollback" not in result.stderr
    assert published.read_bytes() == b"version precedente"
    # The in-process job's failure keeps its frames (hence its open connection, with the
    # job's DuckDB settings) alive until collected: DuckDB refuses a second connection to
    # the same file under another configuration.
    gc.collect()
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select * from raw.usagers order by all").fetchall() == before


SECRETS = [DEMO_SECRET.encode(), os.environ["ALSES_PSEUDO_SECRET"].encode()]


def _with_a_secret(files: list[Path], folders: list[Path]) -> list[str]:
    """The files (those given, and every file under the folders) holding a secret. Under
    xdist another worker's dbt may replace a file of target/ meanwhile: a file gone
    between the listing and the reading holds nothing."""
    files = files + [p for d in folders if d.exists() for p in d.rglob("*") if p.is_file()]
    found = []
    for path in files:
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            continue
        found += [str(path) for s in SECRETS if s in content]
    return found


def test_the_secret_is_in_no_artifact_of_the_school_year_job(fixture_job):
    """After the session's job on the fixture drop (secret ALSES_PSEUDO_SECRET): its dbt
    artifacts (beside its warehouse: compiled SQL, manifest, run results, partial parse,
    log), the project's logs, its warehouse, published file and Dagster history hold no
    secret.
    (The demo build's test below may run before the job, on the other xdist worker.)"""
    root = fixture_job.root
    artifacts = artefacts_dbt(fixture_job.warehouse)
    places = [artifacts, ROOT / "target", ROOT / "logs", root / "dagster"]
    files = [fixture_job.warehouse, fixture_job.published]
    assert (artifacts / "run_results.json").is_file()
    assert _with_a_secret(files, places) == []


def test_the_secret_and_personal_values_are_nowhere_after_a_build(demo_warehouse, demo_drops):
    """The demo warehouse built by dbt (conftest): its secret is in no relation, view
    definition, dbt artifact (compiled SQL, manifest, run results, partial parse) or log;
    no address or handle of the demo's fiches Usager is in any relation."""
    places = [demo_warehouse.parent / "target", ROOT / "logs", ROOT / "target"]
    assert _with_a_secret([demo_warehouse], places) == []
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        views = " ".join(
            r[0] or "" for r in con.execute("select sql from duckdb_views()").fetchall()
        )
        assert not [s for s in SECRETS if s.decode() in views]
        usagers = demo_drops / "2021-2022" / "usagers.csv"
        con.execute(
            "create temp table perso as select distinct v from (select unnest([adresse, "
            "reseaux_sociaux, nom || ' ' || prenom]) as v from read_csv(?, delim=';', "
            "header=true, all_varchar=true)) where length(v) > 8",
            [str(usagers)],
        )
        assert con.execute("select count(*) from perso").fetchone()[0] > 1000
        columns = con.execute(
            "select schema_name, table_name, column_name from duckdb_columns() "
            "where data_type = 'VARCHAR' and database_name = current_database()"
        ).fetchall()
        found = []
        for schema, table, column in columns:
            n = con.execute(
                f'select count(*) from "{schema}"."{table}" where "{column}" in '
                "(select v from perso)"
            ).fetchone()[0]
            if n:
                found.append((schema, table, column, n))
        assert found == []
