"""`alses-dbt`: dbt's own command line, with one change to what decides a full parse.

dbt parses the whole project again (≈ 8 s of CPU) when the connection details of its
profile differ from the previous parse's. For DuckDB they include the file's path and
the settings DuckDB opens it with (`config_options`: memory_limit, threads,
temp_directory), neither of which changes what the parse produces: another warehouse
path or memory limit made every first build of an installation, every bench and every
test warehouse parse the project whole instead of starting from `make`'s parse
(orchestration/analyse_dbt.py, `reprendre_analyse`). Here they are left out of that
comparison. The database name dbt derives from the file name (the catalog every
compiled relation names) stays in it: a warehouse file named otherwise is still parsed
again, as it must be.

dbt builds Jinja's `target` from the same connection details: under `alses-dbt`,
`target.path` and `target.config_options` are empty, so nothing parsed can depend on
them (tests/test_dbt.py checks that no model, macro, test or analysis reads them). A
plain `dbt` on the same target folder computes another state and parses whole.

Every dbt the project runs goes through this command (orchestration/analyse_dbt.py,
DBT_EXECUTABLE); `install()` applies the same change to dbt run in process (tests).
Under `make run`, the command is run by the run's dbt server, which has already
imported dbt (orchestration/serveur_dbt.py); without one, here.
"""

from __future__ import annotations

import sys

#: Connection details that change nothing in a parse (dbt-duckdb's field names).
SANS_EFFET_SUR_L_ANALYSE = ("path", "config_options")


def install() -> None:
    from dbt.adapters.duckdb.credentials import DuckDBCredentials

    cles = DuckDBCredentials._connection_keys
    if getattr(cles, "alses", False):
        return

    def _connection_keys(self) -> tuple[str, ...]:
        return tuple(k for k in cles(self) if k not in SANS_EFFET_SUR_L_ANALYSE)

    _connection_keys.alses = True
    DuckDBCredentials._connection_keys = _connection_keys


def main() -> None:
    from orchestration.serveur_dbt import executer

    code = executer(sys.argv)  # by `make run`'s dbt server, already started
    if code is not None:
        sys.exit(code)
    install()
    from dbt.cli.main import cli

    cli()


if __name__ == "__main__":
    main()
