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
