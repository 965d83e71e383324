"""The PostgreSQL target (ALSES_TARGET=postgres) on a real server.

Once per session (fixture `pg_warehouse`): a fresh database on the server of the PG*
variables, the roles (alses/roles.py), the session job's fixture drop (2021-2022, the
year of `fixture_job`) and the same drop a year later (2022-2023: a previous year for the
report's reader) loaded through the COPY loader (alses/pgload.py), the dbt project built
there with its tests (dbt-postgres), and the marts dbt cannot write there
(comparaisons_territoriales, secret_statistique); the load and the build start as the
session's job starts (`pg_construction`, tests/conftest.py) and run beside it. Then: every
mart, 2022-2023 rows left aside, equals cell by cell the DuckDB warehouse the school-year
job built on the same drop (`fixture_job`), the analysts' role reads the marts and
nothing else, the report's reader reads from the server. (The fixture drop rather than
the demo: what the test proves is the same cells on both engines, and the tiny drop
builds in a fraction of the time.)

Without a server (no PGHOST) these tests skip; `.ci/run` starts a throwaway one.
"""

from __future__ import annotations

import math
import os
import subprocess
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from alses.settings import ROOT, postgres_settings
from orchestration.analyse_dbt import DBT_EXECUTABLE, options_dbt

PG = postgres_settings()
pytestmark = pytest.mark.skipif(
    PG is None,
    reason="pas de serveur PostgreSQL (PGHOST non défini) : lancez .ci/run, ou démarrez un "
    "serveur et exportez PGHOST, PGPORT, PGUSER, PGPASSWORD (README, PostgreSQL)",
)

MARTS = (
    "indicateurs",
    "catalogue_indicateurs",
    "comparaisons_territoriales",
    "rapprochement_publication",
    "qualite_saisie",
)
#: Floats are compared after rounding to 9 decimals (the report prints 1): DuckDB divides
#: in double precision, PostgreSQL in numeric before the cast; integers and text exactly.
DECIMALES = 9


@contextmanager
def _sur_postgres(base: str):
    """ALSES_TARGET=postgres on the database `base`, for the code run inside."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALSES_TARGET", "postgres")
        mp.setenv("PGDATABASE", base)
        from alses.settings import settings

        yield settings()


#: The year both engines hold; the server also holds the next one (report reader).
ANNEE, SUIVANTE = "2021-2022", "2022-2023"


@dataclass
class Construction:
    """The server's database, loaded, and its dbt build running in the background."""

    base: str
    target: Path
    journal: Path
    build: subprocess.Popen

    def attendre(self) -> None:
        returncode = self.build.wait()
        sortie = self.journal.read_text(encoding="utf-8", errors="replace")
        assert returncode == 0, sortie[-4000:]

    def arreter(self) -> None:
        import psycopg

        if self.build.poll() is None:
            self.build.kill()
            self.build.wait()
        with psycopg.connect(**PG.conninfo(), autocommit=True) as admin:
            admin.execute(f'drop database if exists "{self.base}" with (force)')


def demarrer(tmp: Path) -> Construction:
    """A fresh database loaded with the fixture drop (the one fixture_job writes) and the
    same drop a year later, then `dbt build` started there in a subprocess (it needs
    nothing of the job): conftest's fixture_job calls this before its own run, so the
    server builds while the job runs."""
    import psycopg

    from tests.bdc_fixture import decaler, tables, write_drop

    base = f"alses_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**PG.conninfo(), autocommit=True) as admin:
        admin.execute(f'create database "{base}"')
    env = dict(
        os.environ,
        ALSES_TARGET="postgres",
        PGDATABASE=base,
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        ALSES_DBT_DEMO="non",  # the job's parameter on that drop (not the demo)
    )
    drops = [write_drop(tmp / "bdc"), write_drop(tmp / "bdc", decaler(tables(), 1), SUIVANTE)]
    journal = tmp / "dbt_build.log"
    try:
        with _sur_postgres(base) as cfg:
            from alses.engine import PgConnection, pg_connect
            from alses.pgload import load_drop_postgres
            from alses.roles import creer_roles

            with pg_connect(cfg.postgres) as conn:
                creer_roles(PgConnection(conn))
                conn.commit()
                for drop in drops:
                    load_drop_postgres(conn, drop, cfg.nomenclatures)
        with journal.open("w", encoding="utf-8") as out:
            build = subprocess.Popen(
                [DBT_EXECUTABLE, "build", *options_dbt(tmp / "target", "postgres")]
                + ["--exclude", "comparaisons_territoriales"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
    except BaseException:
        with psycopg.connect(**PG.conninfo(), autocommit=True) as admin:
            admin.execute(f'drop database if exists "{base}" with (force)')
        raise
    return Construction(base, tmp / "target", journal, build)


@pytest.fixture(scope="session")
def pg_warehouse(fixture_job, pg_construction):
    """The database's name, once built: the build started by fixture_job (conftest)
    finished, then the marts dbt cannot write there."""
    pg_construction.attendre()
    with _sur_postgres(pg_construction.base) as cfg:
        from alses.comparaisons import ecrire_comparaisons
        from alses.opendata import ecrire_secret

        ecrire_comparaisons(pg_construction.target / "manifest.json")
        ecrire_secret(cfg.warehouse)
    return pg_construction.base


def _rows(cur_rows, columns, types):
    def cell(v, t):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return None
        if t == "float":
            return round(float(v), DECIMALES)
        return v

    return sorted(
        (tuple(cell(v, types[c]) for v, c in zip(r, columns, strict=True)) for r in cur_rows),
        key=repr,
    )


@pytest.mark.parametrize("mart", MARTS)
def test_mart_equals_duckdb_cell_by_cell(pg_warehouse, fixture_job, mart):
    from alses.engine import pg_connect

    with duckdb.connect(str(fixture_job.warehouse), read_only=True) as con:
        described = con.execute(f"describe marts.{mart}").fetchall()
        columns = [r[0] for r in described]
        types = {
            r[0]: "float" if r[1] in ("DOUBLE", "FLOAT") or r[1].startswith("DECIMAL") else "x"
            for r in described
        }
        attendu = con.execute(f"select {', '.join(columns)} from marts.{mart}").fetchall()
        par_annee = "annee_scolaire" in columns
        if par_annee:  # the job loaded ANNEE only; the published figures name others
            annees = con.execute(f"select distinct annee_scolaire from marts.{mart}").fetchall()
            assert (ANNEE,) in annees and (SUIVANTE,) not in annees
    with _sur_postgres(pg_warehouse) as cfg, pg_connect(cfg.postgres) as conn:
        pg_cols = [
            r[0]
            for r in conn.execute(
                "select column_name from information_schema.columns where table_schema = "
                "'marts' and table_name = %s order by ordinal_position",
                [mart],
            ).fetchall()
        ]
        filtre = " where annee_scolaire <> %s" if par_annee else ""  # the server's extra year
        obtenu = conn.execute(
            f"select {', '.join(columns)} from marts.{mart}{filtre}",
            [SUIVANTE] if par_annee else [],
        ).fetchall()
    assert pg_cols == columns
    assert len(obtenu) == len(attendu) > 0
    assert _rows(obtenu, columns, types) == _rows(attendu, columns, types)


def test_analyst_reads_marts_and_nothing_else(pg_warehouse):
    import psycopg

    from alses.engine import pg_connect

    login = f"analyste_{uuid.uuid4().hex[:6]}"
    with _sur_postgres(pg_warehouse) as cfg:
        pg = cfg.postgres
    with pg_connect(pg) as conn:
        conn.execute(f"create role {login} login password 'test' in role alses_analyste")
        conn.commit()
        marts = [
            r[0]
            for r in conn.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        ]
    try:
        assert set(MARTS) | {"secret_statistique"} <= set(marts)
        with pg_connect(pg, user=login, password="test") as analyste:
            for table in marts:
                assert analyste.execute(f"select count(*) from marts.{table}").fetchone()[0] >= 0
            refusees = [
                "raw.usagers",
                "raw.quarantaine",
                "raw.cles_jeunes",
                "staging.stg_bdc__usagers",
                "intermediate.int_indicateurs__volumes",
                "core.fct_accompagnement",
                "core.dim_jeune",
                "seeds.nomenclatures",
            ]
            for table in refusees:
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    analyste.execute(f"select 1 from {table} limit 1")
                analyste.rollback()
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                analyste.execute("create table marts.essai (x int)")
    finally:
        with pg_connect(pg) as conn:
            conn.execute(f"drop owned by {login}")
            conn.execute(f"drop role {login}")


def test_report_reads_from_the_server(pg_warehouse):
    from alses.report.data import load

    with _sur_postgres(pg_warehouse) as cfg:
        data = load(cfg.warehouse, SUIVANTE)  # the path is ignored on PostgreSQL
    assert data.annee_precedente == ANNEE
    assert len(data.indicateurs) > 0 and len(data.comparaisons) > 0
    assert data.indicateurs["secret_statistique"].notna().any()
