"""The one dbt project of the code location, and the dbt executable that runs it.

dbt's profile reads the same `ALSES_WAREHOUSE` and DuckDB settings as `alses.settings`:
`dbt_cli()` puts the values settings resolves in the environment dbt inherits (relative
paths resolve against the project folder, where dagster-dbt runs dbt), and the dbt
executable is named explicitly rather than looked up on PATH.
"""

import os
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


def dbt_env() -> None:
    """The environment of the next dbt call: the DuckDB settings resolved now."""
    env = settings().duckdb_env()
    if os.environ.get("ALSES_WAREHOUSE") == ":memory:":
        env.pop("ALSES_WAREHOUSE")  # dbt parse: no file
    os.environ.update(env)


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
# but with this environment's dbt rather than the first `dbt` on PATH).
if using_dagster_dev():
    dbt_cli().cli(["parse", "--quiet"], target_path=dbt_project.target_path).wait()
