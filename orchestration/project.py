"""The one dbt project of the code location, and the dbt executable that runs it.

dbt's profile reads the same `ALSES_WAREHOUSE` and DuckDB settings as `alses.settings`:
`dbt_cli()` puts the values settings resolves in the environment dbt inherits (relative
paths resolve against the project folder, where dagster-dbt runs dbt), and the dbt
executable is named explicitly rather than looked up on PATH.
"""

import os
import shutil
import sys
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from dagster_dbt.dbt_project import using_dagster_dev
from packaging.version import Version

from alses.settings import ROOT, settings

#: The dbt of this interpreter's environment, even when .venv/bin is not on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

dbt_project = DbtProject(project_dir=ROOT, profiles_dir=ROOT / "dbt_project")


#: The run's parameters the dbt asset passes in the environment (increments.sql), and
#: the level of dbt's own log file: cleared before each dbt call, so that none leaks
#: from one call into the next.
PARAMETRES_DBT = (
    "ALSES_DBT_DEMO",
    "ALSES_DBT_ANNEES",
    "ALSES_DBT_ANNEES_SUIVANTES",
    "DBT_LOG_LEVEL_FILE",
)


def dbt_env(parametres: dict[str, str] | None = None) -> None:
    """The environment of the next dbt call: the DuckDB settings resolved now, and the
    run's parameters (PARAMETRES_DBT) given, the others removed."""
    for nom in PARAMETRES_DBT:
        os.environ.pop(nom, None)
    os.environ.update(settings().duckdb_env())
    os.environ.update(parametres or {})


def reprendre_analyse(target: Path) -> None:
    """Give a dbt target folder the partial parse `make` wrote in target/ when it is
    newer than the folder's own: dbt then reads only the files that changed instead of
    the whole project (≈ 8 s). dbt checks that the profile and the files match, and
    parses everything again when they do not, so an unsuitable copy costs nothing."""
    source = dbt_project.target_path / "partial_parse.msgpack"
    copie = target / "partial_parse.msgpack"
    if source.is_file() and (not copie.is_file() or copie.stat().st_mtime < source.stat().st_mtime):
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copie)


def parse() -> None:
    """`make`'s dbt parse: target/manifest.json (the Dagster definitions read it) and
    target/partial_parse.msgpack, in the environment the job gives dbt (dbt_env), so
    that the job's build starts from this parse (reprendre_analyse)."""
    dbt_env()
    dbt_cli().cli(["parse", "--quiet"], target_path=dbt_project.target_path).wait()


class AlsesDbtCliResource(DbtCliResource):
    """dagster-dbt's resource without its two start-up costs (≈ 8 s per run, see
    docs/performance.md): `dbt --version` in a subprocess (which also asks PyPI for the
    latest release) — the installed dbt-core's version is read from its metadata — and a
    dbt adapter loaded in the Dagster process, used only to fetch row counts or column
    metadata, which no asset asks for."""

    @cached_property
    def _cli_version(self) -> Version:
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None


def dbt_cli() -> DbtCliResource:
    # ALSES_TARGET (settings) chooses the profile's output: duckdb or postgres.
    return AlsesDbtCliResource(
        project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE, target=settings().target
    )


# `dagster dev` reparses the project at load time (what DbtProject.prepare_if_dev does,
# but with this environment's dbt rather than the first `dbt` on PATH, and make's
# environment: dbt's partial parsing applies).
if using_dagster_dev():
    parse()


if __name__ == "__main__":
    parse()
