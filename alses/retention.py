"""Retention: the personal detail of a school year is purged N years after its end.

N is `ALSES_RETENTION_ANNEES` (default 2, alses/settings.py). A school year ends on
31 August; its detail is purged from the day after the anniversary: 2020-2021 (ended
31 August 2021) is purged from 1 September 2023 with N = 2.

Purging a year:
1. archives its rows of every mart (the `marts` tables with an `annee_scolaire`
   column, journal and secret excepted) into schema `archive`, and records the year in
   `archive.annees_purgees`;
2. deletes its rows from the raw tables of persons (usagers, situations,
   interventions, actions_participants) and their quarantine rows (which may hold a
   rejected value) — the staging views over them follow — and from every
   intermediate and core table (derived detail, pseudonymous keys);
3. the marts are then frozen. The dbt models are incremental on annee_scolaire and a
   run never recomputes a purged year (orchestration/assets/dbt.py leaves it out of
   the years of the run): its rows stay in the marts as they were, and the next
   year's `valeur_n_1` reads them there (models/marts/indicateurs/indicateurs.sql);
   its deleted intermediate and fact rows are not rebuilt. Only a full refresh (the
   dbt project changed) recreates every table: it computes the purged year from what
   raw still holds (no person: those tables are emptied; the posts, assignments and
   actions of the year, which name nobody, come back), so `geler` then puts the
   archived rows of the purged years back in the marts (and the next year's
   `valeur_n_1` and `evolution_points` from them). The extraction and `make run`
   refuse to reload a purged year's drop and say so.

python -m alses.retention  (make purge): purges every year due today.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import duckdb

from alses.settings import settings

#: The raw tables holding persons (the personal detail of a year).
TABLES_PERSONNELLES = ("usagers", "situations", "interventions", "actions_participants")
#: Marts never archived: recomputed (secret) or the journal itself.
NON_ARCHIVEES = ("secret_statistique", "journal_publications", "ecarts_publication")


def fin_annee(annee: str) -> dt.date:
    return dt.date(int(annee[5:9]), 8, 31)


def echeance(annee: str, annees: int) -> dt.date:
    """The first day the detail of `annee` must be gone."""
    fin = fin_annee(annee)
    return dt.date(fin.year + annees, fin.month, fin.day) + dt.timedelta(days=1)


def aujourd_hui() -> dt.date:
    """Today, or `ALSES_AUJOURDHUI` (AAAA-MM-JJ) to rehearse a purge."""
    valeur = os.environ.get("ALSES_AUJOURDHUI")
    return dt.date.fromisoformat(valeur) if valeur else dt.date.today()


def _tables(con: duckdb.DuckDBPyConnection, schema: str, colonne: str = "annee_scolaire"):
    return [
        r[0]
        for r in con.execute(
            "select distinct table_name from duckdb_columns() where schema_name = ? "
            "and column_name = ? and database_name = current_database() order by 1",
            [schema, colonne],
        ).fetchall()
        if r[0]
        in {
            t[0]
            for t in con.execute(
                "select table_name from duckdb_tables() where schema_name = ? "
                "and database_name = current_database()",
                [schema],
            ).fetchall()
        }
    ]


def annees_purgees(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """{annee: date of purge} of the years already purged."""
    existe = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'archive' "
        "and table_name = 'annees_purgees' and database_name = current_database()"
    ).fetchone()[0]
    if not existe:
        return {}
    return {
        a: str(d)
        for a, d in con.execute(
            "select annee_scolaire, purgee_le from archive.annees_purgees order by 1"
        ).fetchall()
    }


def annee_purgee(warehouse: Path, annee: str) -> str | None:
    """The date `annee` was purged, or None."""
    if not Path(warehouse).is_file():
        return None
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return annees_purgees(con).get(annee)


def message_purgee(annee: str, le: str) -> str:
    return (
        f"{annee} : détail personnel purgé le {le} (rétention de "
        f"{settings().retention_annees} ans après la fin de l'année) ; ses indicateurs sont "
        "gelés et ne sont pas recalculés. Le dépôt de cette année n'est pas rechargé."
    )


def annees_echues(con: duckdb.DuckDBPyConnection, today: dt.date, annees: int) -> list[str]:
    chargees = {
        r[0]
        for t in TABLES_PERSONNELLES
        if t in _tables(con, "raw")
        for r in con.execute(f"select distinct annee_scolaire from raw.{t}").fetchall()
    }
    return sorted(a for a in chargees if echeance(a, annees) <= today)


def purger(con: duckdb.DuckDBPyConnection, annee: str, today: dt.date) -> dict[str, int]:
    """Archive the marts of `annee`, then delete its personal detail; rows deleted per
    table."""
    con.execute("create schema if not exists archive")
    con.execute(
        "create table if not exists archive.annees_purgees "
        "(annee_scolaire varchar, purgee_le date, lignes_supprimees bigint)"
    )
    supprimees: dict[str, int] = {}
    con.execute("begin transaction")
    try:
        for table in _tables(con, "marts"):
            if table in NON_ARCHIVEES:
                continue
            con.execute(
                f"create table if not exists archive.{table} as select * from marts.{table} limit 0"
            )
            con.execute(f"delete from archive.{table} where annee_scolaire = ?", [annee])
            con.execute(
                f"insert into archive.{table} by name select * from marts.{table} "
                "where annee_scolaire = ?",
                [annee],
            )
        for table in TABLES_PERSONNELLES:
            if table in _tables(con, "raw"):
                supprimees[f"raw.{table}"] = con.execute(
                    f"delete from raw.{table} where annee_scolaire = ?", [annee]
                ).fetchone()[0]
        if "quarantaine" in _tables(con, "raw"):
            supprimees["raw.quarantaine"] = con.execute(
                "delete from raw.quarantaine where annee_scolaire = ? and table_bdc in "
                f"({', '.join(repr(t) for t in TABLES_PERSONNELLES)})",
                [annee],
            ).fetchone()[0]
        for schema in ("intermediate", "core"):
            for table in _tables(con, schema):
                supprimees[f"{schema}.{table}"] = con.execute(
                    f"delete from {schema}.{table} where annee_scolaire = ?", [annee]
                ).fetchone()[0]
        con.execute("delete from archive.annees_purgees where annee_scolaire = ?", [annee])
        con.execute(
            "insert into archive.annees_purgees values (?, ?, ?)",
            [annee, today, sum(supprimees.values())],
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return supprimees


def geler(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Put the archived rows of the purged years back in the marts (after a full
    refresh; an incremental run leaves them in place)."""
    purgees = sorted(annees_purgees(con))
    if not purgees:
        return []
    marts = set(_tables(con, "marts"))
    liste = ", ".join(repr(a) for a in purgees)
    for table in _tables(con, "archive"):
        if table == "annees_purgees" or table not in marts:
            continue
        con.execute(f"delete from marts.{table} where annee_scolaire in ({liste})")
        con.execute(
            f"insert into marts.{table} by name select * from archive.{table} "
            f"where annee_scolaire in ({liste})"
        )
    if "indicateurs" in marts:
        # The year after a purged year: its previous year is the frozen one.
        con.execute(
            """
            update marts.indicateurs as n set
                valeur_n_1 = a.valeur,
                evolution_points = case when n.unite = 'pct' then n.valeur - a.valeur end
            from archive.indicateurs as a
            where cast(left(n.annee_scolaire, 4) as integer)
                    = cast(left(a.annee_scolaire, 4) as integer) + 1
                and n.perimetre = a.perimetre and n.territoire_code = a.territoire_code
                and n.indicateur = a.indicateur and n.modalite = a.modalite
            """
            + f" and n.annee_scolaire not in ({liste})"
        )
    return purgees


def purger_echues(warehouse: Path, today: dt.date | None = None) -> dict[str, dict[str, int]]:
    """Purge every year due on `today` (default: today); {annee: rows deleted per table}."""
    today = today or aujourd_hui()
    if not Path(warehouse).is_file():
        return {}
    with duckdb.connect(str(warehouse)) as con:
        deja = annees_purgees(con)
        faites = {}
        for annee in annees_echues(con, today, settings().retention_annees):
            if annee in deja and not _reste_du_detail(con, annee):
                continue
            faites[annee] = purger(con, annee, today)
    return faites


def _reste_du_detail(con: duckdb.DuckDBPyConnection, annee: str) -> bool:
    return any(
        con.execute(f"select count(*) from raw.{t} where annee_scolaire = ?", [annee]).fetchone()[0]
        for t in TABLES_PERSONNELLES
        if t in _tables(con, "raw")
    )


def main() -> int:
    cfg = settings()
    today = aujourd_hui()
    faites = purger_echues(cfg.warehouse, today)
    if not faites:
        print(
            f"Rien à purger le {today} (rétention : {cfg.retention_annees} ans après la fin "
            "de l'année scolaire)."
        )
        return 0
    for annee, tables in faites.items():
        total = sum(tables.values())
        print(
            f"{annee} : {total} lignes de détail personnel supprimées "
            f"({', '.join(f'{t} {n}' for t, n in tables.items() if n)}) ; indicateurs gelés "
            "(schéma archive)."
        )
    print(
        "Republiez avec make run : les années purgées gardent leurs indicateurs, sans "
        "être recalculées."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
