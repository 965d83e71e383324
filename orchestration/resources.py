from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from alses.settings import settings
from orchestration.project import dbt_cli


def warehouse() -> DuckDBResource:
    cfg = settings()
    cfg.warehouse.parent.mkdir(parents=True, exist_ok=True)
    return DuckDBResource(database=str(cfg.warehouse), connection_config=cfg.duckdb_config())


def dbt() -> DbtCliResource:
    return dbt_cli()
