"""Dagster: the definitions load, and the extraction materialises on a throwaway DuckDB."""

from __future__ import annotations

import duckdb

from tests.bdc_fixture import write_drop


def test_materialise_extraction(tmp_path, monkeypatch):
    bdc = tmp_path / "bdc"
    write_drop(bdc)
    warehouse = tmp_path / "w.duckdb"
    monkeypatch.setenv("ALSES_BDC_DIR", str(bdc))
    monkeypatch.setenv("ALSES_WAREHOUSE", str(warehouse))
    import dagster as dg

    from orchestration.assets.extract import bdc_raw
    from orchestration.resources import warehouse as warehouse_resource

    result = dg.materialize(
        [bdc_raw],
        partition_key="2021-2022",
        resources={"warehouse": warehouse_resource()},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    checks = result.get_asset_check_evaluations()
    assert len(checks) == 11 and all(c.passed for c in checks)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw.usagers").fetchone()[0] == 2


def test_definitions_load():
    from orchestration.definitions import defs

    assert defs.resolve_implicit_global_asset_job_def() is not None
