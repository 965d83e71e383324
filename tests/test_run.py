"""`make run` talks little: one line per step and year, the summary, the log's path; a
failure prints the step's French message and the log's path, never a traceback."""

from __future__ import annotations

import os

from tests.bdc_fixture import tables, write_drop


def test_a_failing_year_prints_its_step_message_and_the_log_path(tmp_path, run_main):
    data = tables()
    del data["usagers"]  # a drop without its usagers.csv cannot load
    write_drop(tmp_path / "bdc", data)
    run = run_main(
        {
            "ALSES_BDC_DIR": str(tmp_path / "bdc"),
            "ALSES_PSEUDO_SECRET": os.environ["ALSES_PSEUDO_SECRET"],
            "ALSES_WAREHOUSE": str(tmp_path / "w.duckdb"),
            "ALSES_PUBLISHED": str(tmp_path / "alses_marts.duckdb"),
            "ALSES_OUTPUT_DIR": str(tmp_path / "outputs"),
            "ALSES_LOG_DIR": str(tmp_path / "logs"),
            "DAGSTER_HOME": str(tmp_path / "dagster"),
        }
    )
    terminal = run.stdout + run.stderr
    assert run.returncode != 0
    assert "Traceback" not in terminal
    (log,) = (tmp_path / "logs").iterdir()
    assert f"Journal complet : {log}" in run.stdout
    assert "2021-2022 : chargement du dépôt dans raw" in run.stdout
    assert "ÉCHEC 2021-2022 à l'étape « chargement du dépôt dans raw »" in run.stderr
    assert "usagers.csv : fichier absent" in run.stderr
    assert len(terminal.splitlines()) <= 12, terminal
    assert "STEP_FAILURE" in log.read_text(encoding="utf-8")  # the details are in the log


def test_the_command_exits_with_main_s_code_and_its_text(tmp_path):
    """`python -m orchestration.run` itself (not main() in process): its terminal text
    and main()'s exit code."""
    import subprocess
    import sys

    from alses.settings import ROOT

    env = {k: v for k, v in os.environ.items() if not k.startswith("ALSES_")}
    env |= {
        "ALSES_BDC_DIR": str(tmp_path / "absent"),
        "ALSES_WAREHOUSE": str(tmp_path / "w.duckdb"),
        "ALSES_LOG_DIR": str(tmp_path / "logs"),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
    }
    sortie = subprocess.run(
        [sys.executable, "-m", "orchestration.run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert sortie.returncode == 1
    (log,) = (tmp_path / "logs").iterdir()
    assert sortie.stdout == f"Journal complet : {log}\n"
    assert sortie.stderr.startswith("\nÉCHEC avant chargement :\nALSES_BDC_DIR = ")
    assert sortie.stderr.endswith("nommé comme 2021-2022).\n")


def test_a_drop_is_read_again_only_when_a_file_changed(tmp_path, monkeypatch):
    """make run's state (orchestration/run.py): a drop whose files keep the signatures
    recorded keeps its hash unread; a touched file is read again (same hash, nothing to
    recompute); a file rewritten with the same size and modification time is caught by
    its change time."""
    from types import SimpleNamespace

    from orchestration import run

    drop = tmp_path / "bdc" / "2021-2022"
    drop.mkdir(parents=True)
    (drop / "usagers.csv").write_text("usager_id\nU1\n", encoding="utf-8")
    (drop / "situations.csv").write_text("situation_id\nS1\n", encoding="utf-8")
    cfg = SimpleNamespace(
        target="duckdb",
        warehouse=tmp_path / "absent.duckdb",
        bdc_dir=tmp_path / "bdc",
        published=tmp_path / "alses_marts.duckdb",
        output_dir=tmp_path / "outputs",
    )
    annees = ["2021-2022"]
    premier = run.etat_des_entrees(cfg, annees)

    def interdit(_drop):
        raise AssertionError("dépôt relu alors qu'aucun fichier n'a changé")

    # Files changed just before their signature was read: read again all the same.
    relu = []
    with monkeypatch.context() as m:
        m.setattr(run, "drop_load_id", lambda d: relu.append(d) or premier["depots"][d.name])
        run.etat_des_entrees(cfg, annees, premier)
    assert relu == [drop]
    monkeypatch.setattr(run, "MARGE_CTIME_NS", 0)  # the rest: files old enough
    with monkeypatch.context() as m:
        m.setattr(run, "drop_load_id", interdit)
        deuxieme = run.etat_des_entrees(cfg, annees, premier)
    assert run._comparable(deuxieme) == run._comparable(premier)
    assert deuxieme["signatures"] == premier["signatures"]

    fichier = drop / "usagers.csv"
    avant = fichier.stat()
    os.utime(fichier, ns=(avant.st_atime_ns, avant.st_mtime_ns + 10**9))  # touched
    touche = run.etat_des_entrees(cfg, annees, premier)
    assert touche["signatures"] != premier["signatures"]
    assert run._comparable(touche) == run._comparable(premier)
    assert run.annees_du_run(touche, premier, annees) == []

    avant = fichier.stat()
    fichier.write_text("usager_id\nU2\n", encoding="utf-8")  # same size
    os.utime(fichier, ns=(avant.st_atime_ns, avant.st_mtime_ns))  # same mtime
    assert fichier.stat().st_size == avant.st_size
    reecrit = run.etat_des_entrees(cfg, annees, touche)
    assert reecrit["depots"] != touche["depots"]
    assert run.annees_du_run(reecrit, touche, annees) == annees


def test_a_run_stopped_during_dbt_leaves_no_process_behind(tmp_path):
    """SIGTERM to `python -m orchestration.run` while dbt builds: dbt and the report
    workers (started beside dbt) stop with the run, which says so in French."""
    import signal
    import subprocess
    import sys
    import time

    import psutil

    from alses.settings import ROOT

    write_drop(tmp_path / "bdc")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALSES_")}
    env |= {
        "ALSES_BDC_DIR": str(tmp_path / "bdc"),
        "ALSES_PSEUDO_SECRET": os.environ["ALSES_PSEUDO_SECRET"],
        "ALSES_WAREHOUSE": str(tmp_path / "w.duckdb"),
        "ALSES_PUBLISHED": str(tmp_path / "alses_marts.duckdb"),
        "ALSES_OUTPUT_DIR": str(tmp_path / "outputs"),
        "ALSES_OPENDATA_DIR": str(tmp_path / "opendata"),
        "ALSES_LOG_DIR": str(tmp_path / "logs"),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
    }
    run = subprocess.Popen(
        [sys.executable, "-m", "orchestration.run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        enfants, limite = [], time.monotonic() + 240
        while time.monotonic() < limite and run.poll() is None:
            enfants = psutil.Process(run.pid).children(recursive=True)
            lignes = []
            for p in enfants:
                try:
                    lignes.append(p.cmdline())
                except psutil.Error:
                    pass
            dbt = any("build" in c for c in lignes)
            pool = any("multiprocessing.forkserver" in " ".join(c) for c in lignes)
            if dbt and pool:
                break
            time.sleep(0.2)
        else:
            raise AssertionError(f"dbt build et le pool de rendu jamais vus : {run.poll()}")
        run.send_signal(signal.SIGTERM)
        sortie, erreurs = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 1
    assert "exécution interrompue" in erreurs and "Traceback" not in erreurs
    _, vivants = psutil.wait_procs(enfants, timeout=10)
    assert not vivants, [p.pid for p in vivants]
