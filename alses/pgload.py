"""Load one drop into PostgreSQL's `raw` schema (ALSES_TARGET=postgres).

The one validated extraction stays DuckDB SQL (alses/extract.py): the drop is loaded into
an in-process DuckDB, then that year's rows of every raw table (and of the quarantine and
the load accounting) are copied into PostgreSQL with COPY, in ONE transaction per year:
delete the year's rows, COPY, recompute `raw.cles_jeunes`, commit. A failure leaves the
server as it was. The raw tables are created from the contract when missing (the same
DDL as on DuckDB: alses/extract.py `_ensure_raw`).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from alses.contract import TABLES
from alses.depots import refuse_mixing
from alses.engine import PgConnection, describe
from alses.extract import TableLoad, _ensure_raw, load_drop
from alses.pseudonym import jeune_key, pseudo_secret
from alses.settings import is_demo_year
from alses.sql import identifier as _q

#: The tables of one year copied from the in-process DuckDB (all carry annee_scolaire).
YEAR_TABLES = [t.name for t in TABLES] + ["quarantaine", "chargements", "depots"]

#: The tables holding a BDC usager_id (the keys cover every year on the server).
USAGER_TABLES = ("usagers", "situations", "interventions", "actions_participants")

BATCH = 10_000


def load_drop_postgres(
    pg, drop: Path, nomenclatures: Path, secret: str | None = None, buildable: bool = False
) -> list[TableLoad]:
    """Load `drop` through DuckDB, then replace its year in PostgreSQL (`pg`: an open
    psycopg connection, not in a transaction)."""
    if secret is None:
        secret = pseudo_secret(drop.parent)
    annee = drop.name
    refuse_mixing(PgConnection(pg), describe(), {annee: is_demo_year(drop)})
    pg.rollback()  # the check's reads leave no transaction open
    with duckdb.connect() as mem:
        loads = load_drop(mem, drop, nomenclatures, secret=secret, buildable=buildable)
        con = PgConnection(pg)
        with pg.transaction():
            _ensure_raw(con)
            for table in YEAR_TABLES:
                con.execute(f"delete from raw.{_q(table)} where annee_scolaire = ?", [annee])
                _copy(mem, pg, table)
            _keys(pg, secret)
            # staging looks each usager_id up here, once per row: an index, not a scan
            con.execute(
                "create index if not exists cles_jeunes_usager_id "
                "on raw.cles_jeunes (usager_id_bdc)"
            )
        for table in [*YEAR_TABLES, "cles_jeunes"]:  # fresh statistics for the planner
            con.execute(f"analyze raw.{_q(table)}")
        pg.commit()
    return loads


def _copy(mem: duckdb.DuckDBPyConnection, pg, table: str) -> None:
    cols = [r[0] for r in mem.execute(f"describe raw.{_q(table)}").fetchall()]
    collist = ", ".join(_q(c) for c in cols)
    order = "order by table_bdc, ligne, colonne, motif" if table == "quarantaine" else ""
    cur = mem.execute(f"select {collist} from raw.{_q(table)} {order}")
    with pg.cursor().copy(f"copy raw.{_q(table)} ({collist}) from stdin") as copy:
        while rows := cur.fetchmany(BATCH):
            for row in rows:
                copy.write_row(row)


def _keys(pg, secret: str) -> None:
    """`raw.cles_jeunes` for every usager_id of every year on the server, computed in
    Python (the secret never enters any SQL text), as on DuckDB."""
    ids = " union ".join(
        f"select usager_id from raw.{t} where usager_id is not null" for t in USAGER_TABLES
    )
    with pg.cursor() as cur:
        usagers = [r[0] for r in cur.execute(ids).fetchall()]
        cur.execute("delete from raw.cles_jeunes")
        with cur.copy("copy raw.cles_jeunes (usager_id_bdc, jeune_key) from stdin") as copy:
            for u in usagers:
                copy.write_row((u, jeune_key(secret, u)))
