"""Dagster: the definitions load, lineage runs from raw to facts, and the whole school
year job runs on a throwaway DuckDB (see test_operations for the publication)."""

from __future__ import annotations


def test_lineage_runs_from_raw_to_facts():
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    fct = next(k for k in graph.get_all_asset_keys() if k.path[-1] == "fct_accompagnement")
    ancestors, frontier = set(), {fct}
    while frontier:
        key = frontier.pop()
        for parent in graph.get(key).parent_keys:
            if parent not in ancestors:
                ancestors.add(parent)
                frontier.add(parent)
    assert {"raw/usagers", "raw/interventions", "raw/situations"} <= {
        a.to_user_string() for a in ancestors
    }
    groups = {graph.get(k).group_name for k in graph.get_all_asset_keys()}
    assert {
        "raw",
        "staging",
        "intermediate",
        "core",
        "marts",
        "seeds",
        "outputs",
        "publication",
    } <= groups


def test_schedule_and_sensor_are_defined():
    from orchestration.definitions import defs

    assert [s.name for s in defs.schedules] == ["rentree", "purge_mensuelle"]
    assert [s.name for s in defs.sensors] == ["nouveau_depot"]
    schedule = defs.schedules[0]
    assert schedule.cron_schedule == "0 6 1 10 *"
    assert schedule.execution_timezone == "Europe/Paris"


def test_definitions_load_under_dagster_dev_without_venv_on_path(monkeypatch):
    """`dagster dev` parses the dbt project itself (prepare_if_dev) with the `dbt` on
    PATH: the definitions must find this environment's dbt even when .venv/bin is not
    on PATH, as with `make dev`. The module that does it (orchestration/project.py) is
    run again in this process, Dagster already imported, under `dagster dev`'s
    environment: its parse rewrites target/manifest.json."""
    import os
    import runpy

    import orchestration.project
    from orchestration.analyse_dbt import DBT_EXECUTABLE, TARGET
    from tests.conftest import environ_restored, manifest_lock

    # As `make`'s parse of target/manifest.json: the settings' defaults, the same
    # profile, so dbt's partial parsing applies (another warehouse path would make dbt
    # parse everything again).
    for key in list(os.environ):
        if key.startswith(("ALSES_WAREHOUSE", "ALSES_DUCKDB_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setenv("DAGSTER_IS_DEV_CLI", "1")
    manifest = TARGET / "manifest.json"
    # the parse rewrites target/manifest.json; it sets dbt's environment (dbt_env)
    with manifest_lock(exclusive=True), environ_restored():
        avant = manifest.stat().st_mtime_ns
        projet = runpy.run_path(orchestration.project.__file__, run_name="orchestration.project")
        assert manifest.stat().st_mtime_ns > avant, "dagster dev n'a pas analysé le projet"
        # and the job's dbt resource names this environment's dbt, not the one on PATH
        assert projet["dbt_cli"]().dbt_executable == DBT_EXECUTABLE
