from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from alses.settings import settings
from orchestration.project import dbt_project


def warehouse() -> DuckDBResource:
    path = settings().warehouse
    path.parent.mkdir(parents=True, exist_ok=True)
    return DuckDBResource(database=str(path))


def dbt() -> DbtCliResource:
    # `dbt` is this environment's: orchestration/project.py puts it first on PATH.
    return DbtCliResource(project_dir=dbt_project)
