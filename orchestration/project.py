"""The one dbt project of the code location, and the dbt executable that runs it.

dbt's profile reads the same `ALSES_WAREHOUSE` and DuckDB settings as `alses.settings`
(orchestration/analyse_dbt.py puts the values settings resolves in the environment dbt
inherits), and the dbt executable is named explicitly rather than looked up on PATH.
"""

from dagster_dbt import DagsterDbtProjectPreparer, DbtCliResource, DbtProject

from alses.settings import ROOT, settings
from orchestration.analyse_dbt import DBT_EXECUTABLE, parse

dbt_project = DbtProject(project_dir=ROOT, profiles_dir=ROOT / "dbt_project")


def dbt_cli() -> DbtCliResource:
    # ALSES_TARGET (settings) chooses the profile's output: duckdb or postgres.
    return DbtCliResource(
        project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE, target=settings().target
    )


# `dagster dev` reparses the project at load time (what DbtProject.prepare_if_dev does,
# but with this environment's dbt rather than the first `dbt` on PATH, and make's
# environment: dbt's partial parsing applies).
if DagsterDbtProjectPreparer().using_dagster_dev():
    parse()
