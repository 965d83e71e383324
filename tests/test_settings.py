"""DuckDB settings (memory_limit, threads, temp_directory): read in alses.settings only,
applied to the job's connections and to dbt's; a build under a small memory_limit spills
to temp_directory and finishes instead of dying."""

from __future__ import annotations

import duckdb
import pytest

from alses.settings import settings

#: A sort and a hash aggregate far larger than the memory allowed below.
N = 1_000_000
GROS = (
    "create table t as select i, md5(cast(i as varchar)) as s "
    f"from range({N}) as r(i); "
    "create table u as select s, count(*) as n from t group by s order by s desc"
)


def test_settings_are_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ALSES_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.delenv("ALSES_DUCKDB_TEMP_DIRECTORY", raising=False)
    monkeypatch.setenv("ALSES_DUCKDB_MEMORY_LIMIT", "300MiB")
    monkeypatch.setenv("ALSES_DUCKDB_THREADS", "1")
    cfg = settings()
    assert cfg.duckdb_config() == {
        "memory_limit": "300MiB",
        "threads": "1",
        "temp_directory": str(tmp_path / "w.duckdb.tmp"),  # DuckDB's own default place
    }
    env = cfg.duckdb_env()
    assert env["ALSES_DUCKDB_MEMORY_LIMIT"] == "300MiB"
    assert env["ALSES_WAREHOUSE"] == str(tmp_path / "w.duckdb")
    monkeypatch.setenv("ALSES_DUCKDB_THREADS", "deux")
    with pytest.raises(ValueError, match="ALSES_DUCKDB_THREADS.*nombre entier positif"):
        settings()


def test_the_job_connections_open_with_the_settings(monkeypatch, tmp_path):
    from orchestration.resources import warehouse

    monkeypatch.setenv("ALSES_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("ALSES_DUCKDB_MEMORY_LIMIT", "123MiB")
    monkeypatch.setenv("ALSES_DUCKDB_THREADS", "1")
    monkeypatch.setenv("ALSES_DUCKDB_TEMP_DIRECTORY", str(tmp_path / "deborde"))
    with warehouse().get_connection() as con:
        limit, threads, temp = con.execute(
            "select current_setting('memory_limit'), current_setting('threads'), "
            "current_setting('temp_directory')"
        ).fetchone()
    assert limit.replace(" ", "") in {"123.0MiB", "123MiB"}, limit
    assert threads == 1
    assert temp == str(tmp_path / "deborde")


def test_a_build_under_a_small_memory_limit_spills_and_finishes(monkeypatch, tmp_path):
    monkeypatch.setenv("ALSES_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("ALSES_DUCKDB_MEMORY_LIMIT", "40MiB")
    monkeypatch.setenv("ALSES_DUCKDB_THREADS", "1")
    monkeypatch.setenv("ALSES_DUCKDB_TEMP_DIRECTORY", str(tmp_path / "deborde"))
    config = settings().duckdb_config()
    # Without a place to spill, the same work dies for lack of memory…
    with duckdb.connect(
        str(tmp_path / "sans.duckdb"), config=config | {"temp_directory": ""}
    ) as con:
        with pytest.raises(duckdb.OutOfMemoryException):
            con.execute(GROS)
    # …with the settings' temp_directory it spills there and finishes.
    with duckdb.connect(str(tmp_path / "w.duckdb"), config=config) as con:
        con.execute(GROS)
        assert (tmp_path / "deborde").is_dir()  # created when DuckDB spilled (removed on close)
        assert con.execute("select count(*), sum(n) from u").fetchone() == (N, N)
