from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from alses.settings import settings
from orchestration.project import dbt_cli


def warehouse() -> DuckDBResource:
    path = settings().warehouse
    path.parent.mkdir(parents=True, exist_ok=True)
    return DuckDBResource(database=str(path))


def dbt() -> DbtCliResource:
    return dbt_cli()
