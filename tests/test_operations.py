"""Operations: the school-year schedule, the new-drop sensor, and write-audit-publish
(a failing check or a killed build never touches the analysts' file; an open reader
keeps a consistent version)."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest

from alses.publish import publish
from alses.settings import DEMO_MARKER, DEMO_YEAR_FILE, ROOT, artefacts_dbt
from tests.bdc_fixture import write_drop
from tests.conftest import run_year


@pytest.mark.parametrize(
    ("day", "annee"),
    [
        (dt.date(2022, 8, 31), "2020-2021"),  # 2021-2022 runs to the end of 31 August
        (dt.date(2022, 9, 1), "2021-2022"),
        (dt.date(2022, 9, 30), "2021-2022"),
        (dt.date(2022, 10, 1), "2021-2022"),
        (dt.date(2023, 1, 15), "2021-2022"),
        (dt.date(2023, 10, 1), "2022-2023"),
    ],
)
def test_annee_terminee(day, annee):
    from orchestration.schedules import annee_terminee

    assert annee_terminee(day) == annee


def test_schedule_on_1_october_refreshes_the_year_ended_on_31_august():
    from orchestration.schedules import rentree

    paris = ZoneInfo("Europe/Paris")
    context = dg.build_schedule_context(
        scheduled_execution_time=dt.datetime(2022, 10, 1, 6, 0, tzinfo=paris)
    )
    request = rentree(context)
    assert request.partition_key == "2021-2022"


def test_sensor_fires_once_per_new_or_changed_drop(tmp_path, monkeypatch):
    from orchestration.sensors import nouveau_depot

    bdc = tmp_path / "bdc"
    drop = write_drop(bdc)
    monkeypatch.setenv("ALSES_BDC_DIR", str(bdc))
    instance = dg.DagsterInstance.ephemeral()

    def evaluate(cursor):
        context = dg.build_sensor_context(instance=instance, cursor=cursor)
        result = nouveau_depot(context)
        if isinstance(result, dg.SensorResult):  # runs, and the new years' partitions
            for request in result.dynamic_partitions_requests or []:
                instance.add_dynamic_partitions(request.partitions_def_name, request.partition_keys)
            result = result.run_requests
        return result, context.cursor

    first, cursor = evaluate(None)
    assert [r.partition_key for r in first] == ["2021-2022"]
    again, cursor = evaluate(cursor)
    assert isinstance(again, dg.SkipReason)
    os.utime(drop / "usagers.csv", (time.time() + 60, time.time() + 60))  # touched only
    touched, cursor = evaluate(cursor)
    assert isinstance(touched, dg.SkipReason)
    with (drop / "usagers.csv").open("a") as fh:  # corrected drop
        fh.write("U9;S1;X;Y;01/01/2010;Féminin;Lille;;;;;;;;;\n")
    changed, cursor = evaluate(cursor)
    assert [r.partition_key for r in changed] == ["2021-2022"]
    assert changed[0].run_key != first[0].run_key
    write_drop(bdc, annee="2020-2021")  # a new year
    new, cursor = evaluate(cursor)
    assert [r.partition_key for r in new] == ["2020-2021"]
    assert instance.get_dynamic_partitions("annee_scolaire") == ["2021-2022", "2020-2021"]


@pytest.fixture
def operations(fixture_job, monkeypatch):
    """The session's installation after one successful run, its settings in force."""
    for key, value in fixture_job.env.items():
        monkeypatch.setenv(key, value)
    return fixture_job


def test_a_run_publishes_then_a_failing_check_leaves_the_file_untouched(operations):
    tmp, published = operations.root, operations.published
    assert (tmp / "outputs" / "rapport_alses_2021-2022.pdf").exists()
    with duckdb.connect(str(published), read_only=True) as con:
        tables_publiees = {
            r[0]
            for r in con.execute(
                "select table_schema || '.' || table_name from information_schema.tables"
            ).fetchall()
        }
        assert tables_publiees == {
            "marts.indicateurs",
            "marts.catalogue_indicateurs",
            "marts.comparaisons_territoriales",
            "marts.rapprochement_publication",
            "marts.qualite_saisie",
            "marts.dictionnaire",
            "marts.secret_statistique",
            "marts.journal_publications",
            "marts.ecarts_publication",
        }
        assert (
            con.execute(
                "select count(*) from marts.dictionnaire where description is null"
            ).fetchone()[0]
            == 0
        )
    before = published.read_bytes()
    # The fixture is not the demo: declared as the demo, its figures fail an error test
    # (tests/dbt/assert_chiffres_publies_conformes.sql: the published figures, which
    # the demo reproduces). The run is the job's subset from marts.indicateurs and
    # marts.rapprochement_publication to the publication (the other models are there
    # from the session's run): the same dbt step and write-audit-publish dependency,
    # without a second build of the whole project.
    from orchestration.definitions import defs

    marts = [
        k
        for k in defs.resolve_asset_graph().get_all_asset_keys()
        if k.path[-1] in ("indicateurs", "rapprochement_publication")
    ]
    assert len(marts) == 2, marts
    publication = dg.AssetKey(["publication", "marts_analystes"])
    marker = tmp / "bdc" / "2021-2022" / DEMO_YEAR_FILE
    marker.write_text(DEMO_MARKER + "\n", encoding="utf-8")
    try:
        failed = run_year(asset_selection=[*marts, publication])
    finally:
        marker.unlink()
    assert not failed.success
    echecs = {
        r["unique_id"]: r["status"]
        for r in json.loads((artefacts_dbt(operations.warehouse) / "run_results.json").read_text())[
            "results"
        ]
        if r["status"] in ("fail", "error")
    }
    assert echecs == {"test.alses.assert_chiffres_publies_conformes": "fail"}, echecs
    assert [e.step_key for e in failed.all_events if e.is_step_failure] == ["dbt_models"]
    assert not [
        e
        for e in failed.all_events
        if e.step_key == "publication__marts_analystes" and e.is_step_start
    ]
    assert published.read_bytes() == before


READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
q = "select count(*) from marts.indicateurs"
print(con.execute(q).fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute(q).fetchone()[0], flush=True)
"""


def test_open_reader_keeps_its_version_and_next_connection_sees_the_new(operations):
    tmp, published = operations.root, operations.published
    work = tmp / "autre.duckdb"
    with duckdb.connect(str(work)) as con:  # another version: fewer rows
        con.execute("create schema marts")
        con.execute("create table marts.indicateurs as select 1 as x")
    before = publish(operations.warehouse, published)["indicateurs"]
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(published)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert int(reader.stdout.readline()) == before
        publish(work, published)  # never blocked by the open reader
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert int(reader.stdout.readline()) == before  # still the version it opened
    finally:
        reader.wait(timeout=30)
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select count(*) from marts.indicateurs").fetchone()[0] == 1
    publish(operations.warehouse, published)  # restore for the next test


#: A publication killed at the worst moment: the new file is complete, and the process
#: dies instead of renaming it over the published one (os.replace is the rename).
KILLED_AT_RENAME = """
import os, signal, sys
from pathlib import Path
from alses.publish import publish
os.replace = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
publish(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def test_killing_the_publication_before_its_rename_leaves_the_file_identical(operations):
    published = operations.published
    before = published.read_bytes()
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AT_RENAME, str(operations.warehouse), str(published)],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    leftovers = list(published.parent.glob(f".{published.name}.*.tmp"))
    assert leftovers, "the new file was written before the rename"
    assert published.read_bytes() == before
    with duckdb.connect(str(published), read_only=True) as con:  # still a valid file
        assert con.execute("select count(*) from marts.indicateurs").fetchone()[0] > 0
    publish(operations.warehouse, published)  # the next publication cleans up
    assert not list(published.parent.glob(f".{published.name}.*.tmp"))


def test_no_identifier_of_the_input_anywhere_it_should_not_be(operations):
    """Names, birth dates, usager_id values and pseudonymous keys of the input: in no
    relation past staging, nor the published file, the open data, the reports or the run
    logs (core keeps the pseudonymous key, by design: the scan of keys starts at marts)."""
    from tests.identifiants import identifiants_du_depot, scanner_entrepot, scanner_fichiers

    tmp = operations.root
    ids = identifiants_du_depot(tmp / "bdc" / "2021-2022", operations.warehouse)
    assert ids["usager_id"] and ids["nom"] and ids["date_naissance"] and ids["jeune_key"]
    trouves = scanner_entrepot(operations.warehouse, ids, exclure=("raw", "staging"))
    trouves += scanner_entrepot(operations.published, ids)
    fichiers = [
        *sorted((tmp / "opendata").rglob("*.*")),
        *sorted((tmp / "outputs").rglob("*.*")),
        tmp / "evenements_dagster.log",
        *sorted(p for p in (tmp / "dagster").rglob("*") if p.is_file()),
    ]
    assert any(p.suffix == ".csv" for p in fichiers) and any(p.suffix == ".pdf" for p in fichiers)
    trouves += scanner_fichiers(fichiers, ids)
    assert not trouves, trouves[:10]
