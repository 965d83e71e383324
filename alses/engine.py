"""One way to reach the warehouse on either engine (ALSES_TARGET, see alses/settings.py).

`connect()` gives a connection with DuckDB's small interface — `execute(sql, params)`
returning something with `fetchone()`, `fetchall()` and `df()` — for DuckDB (the file
ALSES_WAREHOUSE) or for PostgreSQL (the PG* server, through psycopg 3). Readers written
for DuckDB (`?` placeholders, `con.execute(q, [...]).df()`) run unchanged on both, as
long as their SQL is portable. `read_df(sql, params)` is the one-line form.

`write_df(con, table, df)` replaces a table with a DataFrame's rows on either engine (the
marts written by Dagster assets: marts.secret_statistique,
marts.comparaisons_territoriales).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from alses.settings import PostgresSettings, settings
from alses.sql import identifier


def target() -> str:
    return settings().target


def is_postgres() -> bool:
    return target() == "postgres"


def describe(warehouse: Path | None = None) -> str:
    """Where the warehouse is, for messages (never the password)."""
    cfg = settings()
    if cfg.target == "postgres":
        return cfg.postgres.describe()
    return str(warehouse or cfg.warehouse)


def _pg_sql(sql: str) -> str:
    """DuckDB's `?` placeholders as psycopg's `%s` (a literal `%` doubled)."""
    return re.sub(r"\?", "%s", sql.replace("%", "%%"))


class _PgResult:
    def __init__(self, cur) -> None:
        self._cur = cur

    def fetchone(self):
        return self._cur.fetchone()

    def fetchall(self):
        return self._cur.fetchall()

    def df(self) -> pd.DataFrame:
        cols = [d.name for d in self._cur.description] if self._cur.description else []
        df = pd.DataFrame(self._cur.fetchall(), columns=cols)
        return _numeric(df, self._cur.description or [])


#: PostgreSQL type oids read as numbers (psycopg gives Decimal for numeric).
_NUMERIC_OIDS = {1700}


def _numeric(df: pd.DataFrame, description) -> pd.DataFrame:
    for d in description:
        if d.type_code in _NUMERIC_OIDS:
            df[d.name] = pd.to_numeric(df[d.name])
    return df


class PgConnection:
    """A psycopg 3 connection with DuckDB's `execute(sql, params).df()` interface."""

    def __init__(self, conn) -> None:
        self.raw = conn

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> _PgResult:
        cur = self.raw.cursor()
        cur.execute(_pg_sql(sql) if params else sql, params or None)
        return _PgResult(cur)

    def sql(self, sql: str) -> _PgResult:
        return self.execute(sql)

    def commit(self) -> None:
        self.raw.commit()


def pg_connect(pg: PostgresSettings, **kw):
    """A psycopg connection to the configured server (another user for the role tests)."""
    import psycopg

    try:
        return psycopg.connect(**pg.conninfo(**kw))
    except psycopg.OperationalError as exc:
        raise ConnectionError(
            f"{pg.describe()} : connexion impossible ({str(exc).strip().splitlines()[0]}). "
            "Vérifiez PGHOST, PGPORT, PGUSER, PGPASSWORD et PGDATABASE, et que le serveur "
            "est démarré (voir README, « Un serveur PostgreSQL »)."
        ) from None


@contextmanager
def connect(warehouse: Path | None = None, read_only: bool = True) -> Iterator[Any]:
    """A connection to the configured warehouse: on DuckDB the file `warehouse` (by
    default ALSES_WAREHOUSE), on PostgreSQL the server (committed on a clean exit)."""
    cfg = settings()
    if cfg.target == "postgres":
        conn = pg_connect(cfg.postgres)
        try:
            yield PgConnection(conn)
            conn.commit()
        finally:
            conn.close()
        return
    with duckdb.connect(
        str(warehouse or cfg.warehouse), read_only=read_only, config=cfg.duckdb_config()
    ) as con:
        yield con


def read_df(sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
    with connect(read_only=True) as con:
        return con.execute(sql, params).df()


def exists(con, schema: str, table: str) -> bool:
    """True when `schema.table` exists (information_schema: both engines)."""
    return bool(
        con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


#: pandas dtypes → a column type both engines accept.
def _sql_type(dtype) -> str:
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "bigint"
    if pd.api.types.is_float_dtype(dtype):
        return "double precision"
    return "varchar"


def write_df(con, schema: str, table: str, df: pd.DataFrame) -> None:
    """Replace `schema.table` by the rows of `df`, in the caller's transaction."""
    name = f"{identifier(schema)}.{identifier(table)}"
    if isinstance(con, PgConnection):
        cols = ", ".join(f"{identifier(c)} {_sql_type(t)}" for c, t in df.dtypes.items())
        con.execute(f"create schema if not exists {identifier(schema)}")
        con.execute(f"drop table if exists {name}")
        con.execute(f"create table {name} ({cols})")
        collist = ", ".join(identifier(c) for c in df.columns)
        with con.raw.cursor().copy(f"copy {name} ({collist}) from stdin") as copy:
            for row in df.itertuples(index=False):
                copy.write_row([None if _isna(v) else _py(v) for v in row])
        if schema == "marts":  # the analysts' role (alses/roles.py), when it exists
            con.execute(
                "do $$ begin if exists (select from pg_roles where rolname = "
                f"'alses_analyste') then grant select on {name} to alses_analyste; "
                "end if; end $$"
            )
        return
    con.register("alses_write_df", df)
    try:
        con.execute(f"create schema if not exists {identifier(schema)}")
        con.execute(f"create or replace table {name} as select * from alses_write_df")
    finally:
        con.unregister("alses_write_df")


def _isna(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _py(v):
    return v.item() if hasattr(v, "item") else v
