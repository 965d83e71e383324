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


#: Run in a new interpreter: what the Dagster definitions bring into a process.
_GRAPHE = """
import json, sys
{avant}
from orchestration.definitions import defs
import dagster_dbt.compat as compat
graphe = defs.resolve_asset_graph()
print(json.dumps({{
    "dbt": sorted(m for m in sys.modules if m.split(".")[0] in ("dbt", "dbt_common")),
    "version": str(compat.DBT_PYTHON_VERSION),
    "actifs": sorted(
        [k.to_user_string(), sorted(p.to_user_string() for p in graphe.get(k).parent_keys),
         sorted(c.to_user_string() for c in graphe.get(k).check_keys), graphe.get(k).group_name]
        for k in graphe.get_all_asset_keys()
    ),
    "enums": {{
        n: {{m.name: m.value for m in getattr(compat, n)}}
        for n in ("NodeStatus", "TestStatus", "NodeType")
    }},
    "refables": sorted(str(t) for t in compat.REFABLE_NODE_TYPES),
}}))
"""


def test_definitions_load_without_dbt_core():
    """dagster-dbt is imported without dbt-core (orchestration/__init__.py): a process
    that loads the definitions holds no dbt module, and gets the asset graph (assets,
    lineage, checks, groups) a process that imported dbt first gets; the statuses and
    node types dagster-dbt reads in dbt's log are dbt's own."""
    import json
    import subprocess
    import sys

    from alses.settings import ROOT

    def charger(avant: str) -> dict:
        sortie = subprocess.run(
            [sys.executable, "-W", "ignore", "-c", _GRAPHE.format(avant=avant)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(sortie.stdout.splitlines()[-1])

    sans = charger("")
    assert sans["dbt"] == [] and sans["version"] == "None"
    avec = charger("import dbt.version")
    assert avec["dbt"] and avec["version"] != "None"
    assert sans["actifs"] == avec["actifs"] and len(sans["actifs"]) > 80
    # dagster-dbt's own names and values: those of dbt-core for every status it reads
    # in dbt's log and for the node types of this project
    assert avec["enums"]["TestStatus"] == sans["enums"]["TestStatus"]
    assert avec["enums"]["NodeStatus"].items() <= sans["enums"]["NodeStatus"].items()
    types = {"Model", "Seed", "Test", "Source", "Unit", "Analysis", "Macro"}
    assert {t: avec["enums"]["NodeType"][t] for t in types}.items() <= sans["enums"][
        "NodeType"
    ].items()
    assert sans["refables"] == avec["refables"]
