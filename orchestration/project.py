"""The one dbt project of the code location, and the dbt executable that runs it.

dbt's profile reads the same `ALSES_WAREHOUSE` and DuckDB settings as `alses.settings`:
`dbt_cli()` puts the values settings resolves in the environment dbt inherits (relative
paths resolve against the project folder, where dagster-dbt runs dbt), and the dbt
executable is named explicitly rather than looked up on PATH.
"""

import os
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from dagster_dbt.dbt_project import using_dagster_dev

from alses.settings import ROOT, settings

#: The dbt of this interpreter's environment, even when .venv/bin is not on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

dbt_project = DbtProject(project_dir=ROOT, profiles_dir=ROOT / "dbt_project")


def dbt_env() -> None:
    """The environment of the next dbt call: the DuckDB settings resolved now."""
    env = settings().duckdb_env()
    if os.environ.get("ALSES_WAREHOUSE") == ":memory:":
        env.pop("ALSES_WAREHOUSE")  # dbt parse: no file
    os.environ.update(env)


def dbt_cli() -> DbtCliResource:
    # ALSES_TARGET (settings) chooses the profile's output: duckdb or postgres.
    return DbtCliResource(
        project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE, target=settings().target
    )


# `dagster dev` reparses the project at load time (what DbtProject.prepare_if_dev does,
# but with this environment's dbt rather than the first `dbt` on PATH).
if using_dagster_dev():
    dbt_cli().cli(["parse", "--quiet"], target_path=dbt_project.target_path).wait()
