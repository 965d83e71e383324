"""Dagster's definitions of the warehouse, and what runs them.

dagster-dbt imports dbt-core when it can (`dagster_dbt.compat`: ≈ 1.5 s of a run's
start-up, dbt's adapters, contracts and selection graph) for the names of a few types
and for evaluating a dbt selection. It has its own definitions of those names for an
environment without dbt-core (dbt Fusion), and needs no selection engine for the
default selection, the only one the definitions use. Nothing of dbt runs in Dagster's
process: every dbt command is a process of its own (orchestration/lanceur_dbt.py,
serveur_dbt.py), and the adapter dagster-dbt would load there is not loaded
(orchestration/project.py). So the processes that import the definitions (`make run`,
`dagster dev`, the tests) import dagster-dbt without dbt-core: `dbt` is hidden while
`dagster_dbt.compat` runs, and only then (tests/test_definitions.py checks that the
asset graph is the same). A process that imported dbt before dagster-dbt keeps the
usual path. dagster-dbt then evaluates no dbt selection but the default one: a
`select`, `exclude` or `selector` given to `@dbt_assets`, or `build_dbt_asset_selection`,
would fail when the definitions load (DagsterDbtCoreNotInstalledError).
"""

import importlib.abc
import importlib.machinery
import sys


class _DagsterDbtSansDbtCore(importlib.abc.MetaPathFinder):
    """Runs `dagster_dbt.compat` with `import dbt` failing, as without dbt-core."""

    def find_spec(self, fullname, path, target=None):
        if fullname != "dagster_dbt.compat" or "dbt" in sys.modules:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        executer = spec.loader.exec_module

        def exec_module(module) -> None:
            if "dbt" in sys.modules:  # imported since find_spec (another thread)
                executer(module)
                return
            sys.modules["dbt"] = None  # `import dbt…` raises ImportError
            try:
                executer(module)
            finally:
                if sys.modules.get("dbt", ...) is None:
                    del sys.modules["dbt"]

        spec.loader.exec_module = exec_module
        return spec


if not any(isinstance(f, _DagsterDbtSansDbtCore) for f in sys.meta_path):
    sys.meta_path.insert(0, _DagsterDbtSansDbtCore())
