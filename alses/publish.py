"""Write-audit-publish: copy the audited marts into the analysts' DuckDB file, atomically.

The work warehouse is built and checked first (dbt tests, reconciliation, row
accounting); only then is the `marts` schema copied, with a data dictionary, into a
new file beside the published one, which then replaces it by `os.replace` — an atomic
rename. An analyst's open read-only connection keeps reading the file it opened (the
old inode) and never sees a mix; the next connection opens the new file. A failed or
killed build never reaches the rename, so the published file stays byte-identical.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from alses.sql import identifier, literal

#: Older engines and BI drivers read this storage version (duckdb-cli 1.5, most drivers).
STORAGE_VERSION = "v1.2.0"


def publish(warehouse: Path, published: Path) -> dict[str, int]:
    """Publish the `marts` schema of `warehouse` to `published`; return rows per table."""
    published.parent.mkdir(parents=True, exist_ok=True)
    tmp = published.with_name(f".{published.name}.{os.getpid()}.tmp")
    for stale in published.parent.glob(f".{published.name}.*.tmp"):
        stale.unlink()
    counts: dict[str, int] = {}
    with duckdb.connect() as con:
        con.execute(f"attach {literal(warehouse)} as travail (read_only)")
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' "
                "and database_name = 'travail' order by 1"
            ).fetchall()
        ]
        if not tables:
            raise RuntimeError(
                f"{warehouse} n'a pas de schéma marts : construisez les modèles avant de publier."
            )
        version = literal(STORAGE_VERSION)
        con.execute(f"attach {literal(tmp)} as publie (storage_version {version})")
        try:
            con.execute("create schema publie.marts")
            for table in tables:
                name = identifier(table)
                con.execute(
                    f"create table publie.marts.{name} as select * from travail.marts.{name}"
                )
                count = con.execute(f"select count(*) from publie.marts.{name}").fetchone()
                counts[table] = count[0]
            con.execute(
                """
                create table publie.marts.dictionnaire as
                select
                    c.table_name as table_name,
                    c.column_name as colonne,
                    c.data_type as type,
                    t.comment as description_table,
                    c.comment as description
                from duckdb_columns() as c
                join duckdb_tables() as t
                    on t.database_name = c.database_name
                    and t.schema_name = c.schema_name and t.table_name = c.table_name
                where c.database_name = 'travail' and c.schema_name = 'marts'
                order by c.table_name, c.column_index
                """
            )
            counts["dictionnaire"] = con.execute(
                "select count(*) from publie.marts.dictionnaire"
            ).fetchone()[0]
            con.execute("checkpoint publie")
        finally:
            con.execute("detach publie")
            con.execute("detach travail")
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, published)
    directory = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return counts
