"""The one dbt project of the code location, and the dbt executable that runs it.

dbt's profile reads the same `ALSES_WAREHOUSE` and DuckDB settings as `alses.settings`
(orchestration/analyse_dbt.py puts the values settings resolves in the environment dbt
inherits), and the dbt executable is named explicitly rather than looked up on PATH.
"""

from functools import cached_property
from importlib.metadata import version as installed_version

from dagster_dbt import DbtCliResource, DbtProject
from dagster_dbt.dbt_project import using_dagster_dev
from dagster_shared.libraries import DagsterLibraryRegistry
from packaging.version import Version

from alses.settings import ROOT, settings
from orchestration.analyse_dbt import DBT_EXECUTABLE, parse

dbt_project = DbtProject(project_dir=ROOT, profiles_dir=ROOT / "dbt_project")

# dagster-dbt, imported without dbt-core (orchestration/__init__.py), registers
# « dbt-fusion » among the libraries Dagster shows for the code location: the dbt that
# runs is dbt-core.
DagsterLibraryRegistry._libraries.pop("dbt-fusion", None)
DagsterLibraryRegistry.register("dbt-core", installed_version("dbt-core"), is_dagster_package=False)


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
