"""The roles of a shared PostgreSQL warehouse (ALSES_TARGET=postgres), `make roles`.

- `alses_analyste` (group role, no login): reads schema `marts` and nothing else. dbt
  grants it `select` on every mart it builds (`grants` in dbt_project.yml), and the
  marts written by Dagster (secret_statistique, comparaisons_territoriales) get the
  same grant (alses/engine.py `write_df`). Schemas raw, staging, intermediate, core,
  seeds and archive: no grant at all.
- `alses_chargement` (group role, no login): writes schema `raw` (the extraction's
  tables), reads nothing else.
- the owner: the PGUSER that runs `make run` (creates the schemas, builds the models).

Individual accounts are members of a group role, e.g.
  create role marie login password '…' in role alses_analyste;
Run by the owner (or a superuser), idempotent.
"""

from __future__ import annotations

import sys

from alses.engine import PgConnection, pg_connect
from alses.settings import SettingsError, settings

ANALYSTE = "alses_analyste"
CHARGEMENT = "alses_chargement"

STATEMENTS = [
    f"""do $$ begin
        if not exists (select from pg_roles where rolname = '{ANALYSTE}') then
            create role {ANALYSTE} nologin;
        end if;
        if not exists (select from pg_roles where rolname = '{CHARGEMENT}') then
            create role {CHARGEMENT} nologin;
        end if;
    end $$""",
    "create schema if not exists raw",
    "create schema if not exists marts",
    f"grant usage on schema marts to {ANALYSTE}",
    f"grant select on all tables in schema marts to {ANALYSTE}",
    f"grant usage, create on schema raw to {CHARGEMENT}",
    f"grant select, insert, update, delete on all tables in schema raw to {CHARGEMENT}",
    # raw tables the owner creates later (first load of a new table)
    f"alter default privileges in schema raw "
    f"grant select, insert, update, delete on tables to {CHARGEMENT}",
]


def creer_roles(con: PgConnection) -> None:
    for statement in STATEMENTS:
        con.execute(statement)


def main() -> int:
    try:
        cfg = settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 1
    if cfg.postgres is None:
        print(
            "PGHOST n'est pas défini : les rôles se créent sur un serveur PostgreSQL "
            "(voir README, « Un serveur PostgreSQL partagé »).",
            file=sys.stderr,
        )
        return 1
    try:
        with pg_connect(cfg.postgres) as conn:
            creer_roles(PgConnection(conn))
    except ConnectionError as exc:
        print(exc, file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - psycopg's error, said in one line
        print(
            f"{cfg.postgres.describe()} : création des rôles refusée "
            f"({str(exc).strip().splitlines()[0]}). Lancez make roles avec le compte "
            "propriétaire de la base ou un superutilisateur.",
            file=sys.stderr,
        )
        return 1
    print(f"Rôles {ANALYSTE} et {CHARGEMENT} en place sur {cfg.postgres.describe()}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
