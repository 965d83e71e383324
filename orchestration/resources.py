from __future__ import annotations

from dagster_duckdb import DuckDBResource

from alses.settings import settings


def warehouse() -> DuckDBResource:
    path = settings().warehouse
    path.parent.mkdir(parents=True, exist_ok=True)
    return DuckDBResource(database=str(path))
