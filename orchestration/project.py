"""The one dbt project of the code location."""

import os

from dagster_dbt import DbtProject

from alses.settings import ROOT, settings

# DuckDB resolves a relative path against the current directory: hand dbt an absolute one.
os.environ["ALSES_WAREHOUSE_PATH"] = str(settings().warehouse)
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

dbt_project = DbtProject(project_dir=ROOT, profiles_dir=ROOT / "dbt_project")
dbt_project.prepare_if_dev()
