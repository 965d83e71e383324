"""The one dbt project of the code location."""

import os
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from alses.settings import ROOT, settings

# DuckDB resolves a relative path against the current directory: hand dbt an absolute one.
os.environ["ALSES_WAREHOUSE_PATH"] = str(settings().warehouse)
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
# The dbt of this interpreter's environment, even when .venv/bin is not on PATH
# (`dagster dev` parses the project with the `dbt` it finds there).
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"

dbt_project = DbtProject(project_dir=ROOT, profiles_dir=ROOT / "dbt_project")
dbt_project.prepare_if_dev()
