"""Shared fixtures. The expensive things are built once per session and shared:

- `demo_drops`: the two demo drops, written once (by `make test`, beside its dbt parse);
- `demo_warehouse`: those drops loaded and the dbt project built on them (demo=oui);
- `fixture_job`: the tiny fixture drop (tests/bdc_fixture.py) run through the whole
  school-year job (extraction, dbt build with its tests, report, publication) in a
  throwaway installation whose folder is named `l'entrepôt des données`;
- `run_main`: `python -m orchestration.run` in process (what the user reads on the
  terminal, file descriptors captured), without paying Dagster's import again.

Tests that read a session warehouse open it read-only; tests that change an installation
build their own or restore what they changed.

`make test` runs the suite on two pytest-xdist workers (`--dist loadgroup`). Session
fixtures are per worker: every test that needs `demo_drops` or `demo_warehouse` is put in
the xdist group `demo`, every test that needs `fixture_job` in the group `job` (each group
runs on one worker, so each session build happens once), and a module whose module-scoped
fixture builds something (MODULE_GROUPS) in its own group; the other tests go to whichever
worker is free. A test needing two groups is a collection error: share one build instead.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest

from alses.extract import load_drop
from alses.settings import ROOT, artefacts_dbt
from tests.bdc_fixture import write_drop

if TYPE_CHECKING:
    import dagster as dg

NOMENCLATURES = ROOT / "seeds" / "nomenclatures.csv"

# The tests' fixture drops are not the demo drops: they need a pseudonymisation secret
# (alses/pseudonym.py), as a real export would. Subprocesses inherit it.
os.environ.setdefault("ALSES_PSEUDO_SECRET", "tests-secret-not-for-real-data")

#: The xdist group of the tests that use each session build (module docstring).
SESSION_GROUPS = {
    "demo_drops": "demo",
    "demo_warehouse": "demo",
    "demo_compile": "demo",
    "fixture_job": "job",
}
#: Modules whose module-scoped fixture builds a warehouse of their own: one worker each.
MODULE_GROUPS = {"test_increments": "increments", "test_controle_octobre": "octobre"}

MANIFEST = ROOT / "target" / "manifest.json"
#: The session builds' warehouse file name: make's (settings' default; dbt names the
#: catalog after it).
WAREHOUSE_NAME = "alses.duckdb"


@contextmanager
def manifest_lock(exclusive: bool = False):
    """target/manifest.json is read when the Dagster definitions are imported and by a
    few tests, and rewritten by the `dagster dev` test's parse: under xdist, its readers
    hold this lock shared and that test exclusively (dbt writes the file in place)."""
    lock = ROOT / "target" / ".tests-manifest.lock"
    lock.parent.mkdir(exist_ok=True)
    with lock.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def depuis_l_analyse_de_make(target: Path) -> None:
    """A test's dbt target folder starts from make's parse (reprendre_analyse), copied
    under the manifest's lock: the `dagster dev` test may be rewriting it."""
    from orchestration.analyse_dbt import reprendre_analyse

    with manifest_lock():
        reprendre_analyse(target)


def _groupe(item) -> str | None:
    """The xdist group of a test: that of the session builds it needs (one at most)."""
    groups = {g for f, g in SESSION_GROUPS.items() if f in item.fixturenames}
    module = getattr(item.module, "__name__", "").rsplit(".", 1)[-1]
    if module in MODULE_GROUPS:
        groups.add(MODULE_GROUPS[module])
    if len(groups) > 1:
        raise pytest.UsageError(
            f"{item.nodeid} needs {sorted(groups)}: each is built on its own xdist "
            "worker; share one build (tests/conftest.py)"
        )
    return groups.pop() if groups else None


#: Where the workers write each test's group for the controller's scheduler (the
#: controller sets it before it starts the workers, which inherit it).
GROUPES_ENV = "ALSES_TESTS_GROUPES_XDIST"


def pytest_collection_modifyitems(config, items):
    groupes = {item.nodeid: g for item in items if (g := _groupe(item))}
    chemin = os.environ.get(GROUPES_ENV)
    if chemin and hasattr(config, "workerinput"):
        tmp = Path(f"{chemin}.{config.workerinput['workerid']}")
        tmp.write_text(json.dumps(groupes), encoding="utf-8")
        tmp.replace(chemin)  # every worker collects the same tests: the same content


@pytest.hookimpl(optionalhook=True)  # -p no:xdist leaves the hook unknown
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup` groups by the xdist_group mark, which pytest-xdist 3.8 can no
    longer read under pytest 9 (it renames node ids through an attribute pytest 9 no
    longer reads): the same scheduling, each test's group read from the file its
    workers wrote (pytest_collection_modifyitems)."""
    if config.getoption("dist", None) != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    chemin = Path(os.environ[GROUPES_ENV])

    class ParGroupe(LoadScopeScheduling):
        groupes: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.groupes is None:
                self.groupes = json.loads(chemin.read_text(encoding="utf-8"))
            return self.groupes.get(nodeid, nodeid)

    return ParGroupe(config, log)


def pytest_configure(config):
    # The controller of an xdist run: a file for the workers' groups (see above).
    if config.getoption("dist", None) == "loadgroup" and not hasattr(config, "workerinput"):
        fd, chemin = tempfile.mkstemp(prefix="alses-groupes-", suffix=".json")
        os.close(fd)
        os.environ[GROUPES_ENV] = chemin
        config.add_cleanup(lambda: Path(chemin).unlink(missing_ok=True))
    # An xdist worker loads the Dagster definitions (which read the manifest) at once,
    # under the lock, rather than at the first test that imports them.
    if hasattr(config, "workerinput") and MANIFEST.is_file():
        with manifest_lock(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Dagster's beta notices, outside any test
            import orchestration.definitions  # noqa: F401


@contextmanager
def environ_restored():
    """The process environment as it was, after code that updates it (the dbt asset
    exports the DuckDB settings it resolved, orchestration.project.dbt_env): a leaked
    ALSES_DUCKDB_TEMP_DIRECTORY changes dbt's profile for every later dbt call of the
    session, whose partial parsing then gives way to a full parse (≈20 s each)."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture
def con(tmp_path: Path):
    c = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield c
    c.close()


@pytest.fixture
def load(con):
    def _load(drop: Path):
        return load_drop(con, drop, NOMENCLATURES)

    return _load


@pytest.fixture(scope="session")
def demo_drops(tmp_path_factory) -> Path:
    """The folder holding the demo drops (one sub-folder per school year), written once:
    by `make test` beside its dbt parse (ALSES_TESTS_DEPOTS_DEMO, the Makefile rewrites
    them whenever the code or the seeds change), else here. Read only."""
    if ecrits := os.environ.get("ALSES_TESTS_DEPOTS_DEMO"):
        return Path(ecrits)
    from alses.demo.generator import write_demo

    root = tmp_path_factory.mktemp("demo_drops")
    write_demo(root)
    return root


@pytest.fixture(scope="session")
def demo_warehouse(demo_drops, tmp_path_factory):
    """The two demo drops loaded and the dbt project built on them (dbt var demo=oui);
    the build's manifest.json and run_results.json beside it, in build/."""
    from tests.test_dbt import dbt

    tmp = tmp_path_factory.mktemp("demo_warehouse")
    warehouse = tmp / WAREHOUSE_NAME
    with duckdb.connect(str(warehouse)) as con:
        for annee in ("2020-2021", "2021-2022"):
            load_drop(con, demo_drops / annee, NOMENCLATURES)
    result = dbt("build", warehouse, demo=True)
    assert result.returncode == 0, result.stdout[-4000:]
    # The build's manifest and results, kept: later dbt calls on this target folder
    # (the analyses' compilation) overwrite target/.
    (tmp / "build").mkdir()
    for name in ("manifest.json", "run_results.json"):
        shutil.copy(tmp / "target" / name, tmp / "build" / name)
    return warehouse


#: What `demo_compile` compiles: the analysts' queries (tests/test_analyses.py), and the
#: models and sources whose `controles` tests/test_controles.py reads as a run that
#: recomputes 2021-2022 only compiles them.
COMPILES_DEMO = (
    "path:analyses",
    "fct_accompagnement",
    "dim_jeune",
    "stg_bdc__interventions",
    "source:bdc.interventions",
    "source:bdc.cles_jeunes",
)


@pytest.fixture(scope="session")
def demo_compile(demo_warehouse) -> Path:
    """One `dbt compile` on the demo build's target folder (its parse reused) of
    COMPILES_DEMO, with the parameters of a run recomputing 2021-2022 (the dbt asset's,
    orchestration/assets/dbt.py; the analyses do not read them): the target folder."""
    from tests.test_dbt import dbt

    sortie = dbt(
        "compile",
        demo_warehouse,
        "--select",
        *COMPILES_DEMO,
        demo=True,
        ALSES_DBT_ANNEES="2021-2022",
        ALSES_DBT_ANNEES_SUIVANTES="",
    )
    assert sortie.returncode == 0, sortie.stdout[-3000:]
    return demo_warehouse.parent / "target"


@dataclass
class Sortie:
    """What `python -m orchestration.run` returned and printed on the terminal."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_main(monkeypatch, capfd):
    """Run `orchestration.run.main` in process with exactly the given ALSES_* settings
    (and DAGSTER_HOME): the terminal is read at the file-descriptor level, as a user
    would see it (child processes included).

    The run history goes to an in-memory Dagster instance rather than the SQLite one of
    DAGSTER_HOME: creating a run writes one "planned" event per asset and per dbt test
    (about 350 SQLite commits, 20 to 40 s here) and says nothing about our messages."""
    import dagster as dg  # not at import: pytest-xdist's controller runs no test

    monkeypatch.setattr(
        dg.DagsterInstance,
        "from_config",
        staticmethod(lambda *_a, **_k: dg.DagsterInstance.ephemeral()),
    )

    def _run(env: dict[str, str]) -> Sortie:
        for key in list(os.environ):
            if key.startswith("ALSES_") or key == "DAGSTER_HOME":
                monkeypatch.delenv(key)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        from orchestration.run import main

        capfd.readouterr()
        with environ_restored():
            returncode = main()
        out, err = capfd.readouterr()
        return Sortie(returncode, out, err)

    return _run


@dataclass
class Installation:
    root: Path
    env: dict[str, str]
    result: dg.ExecuteInProcessResult
    #: dbt's run_results.json of the job's build, read right after the run.
    dbt_results: dict

    @property
    def warehouse(self) -> Path:
        return Path(self.env["ALSES_WAREHOUSE"])

    @property
    def published(self) -> Path:
        return Path(self.env["ALSES_PUBLISHED"])


def run_year(
    annee: str = "2021-2022", asset_selection: list[dg.AssetKey] | None = None
) -> dg.ExecuteInProcessResult:
    """The school-year job (or the subset of it that `asset_selection` names), in process,
    with resources read from the current settings."""
    with environ_restored():
        return _run_year(annee, asset_selection)


def _run_year(annee: str, asset_selection: list[dg.AssetKey] | None) -> dg.ExecuteInProcessResult:
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.partitions import ajouter_annees
    from orchestration.resources import dbt, warehouse

    instance = dg.DagsterInstance.ephemeral()
    ajouter_annees(instance, [annee])  # dynamic partitions: the year found
    job = defs.resolve_job_def("annee_complete")
    if asset_selection is not None:
        # A subset cannot take new resources; the definitions' own are read at import
        # (the extraction's warehouse among them): a subset must leave bdc_raw out.
        assert not any(k.path[0] == "raw" for k in asset_selection)
        return job.execute_in_process(
            partition_key=annee,
            instance=instance,
            raise_on_error=False,
            asset_selection=asset_selection,
        )
    return job.execute_in_process(
        partition_key=annee,
        instance=instance,
        raise_on_error=False,
        resources={"warehouse": warehouse(), "dbt": dbt()},
    )


@pytest.fixture(scope="session")
def pg_construction(tmp_path_factory):
    """tests/test_postgres.py's database, loaded, its dbt build running in the background
    (tests.test_postgres.demarrer); dropped at the end of the session."""
    from tests.test_postgres import demarrer

    construction = demarrer(tmp_path_factory.mktemp("pg"))
    yield construction
    construction.arreter()


@pytest.fixture(scope="session")
def fixture_job(tmp_path_factory, request) -> Installation:
    """A throwaway installation (fixture drop, warehouse, published file, outputs) after
    one successful run of the school-year job; every path holds an apostrophe, an accent
    and spaces, as a real folder name may (each enters SQL through alses.sql).

    When the session runs the PostgreSQL tests (a server configured), their build starts
    first (`pg_construction`): it needs only the fixture drop, and runs beside the job."""
    from alses.settings import postgres_settings

    if postgres_settings() is not None and any(
        item.module.__name__.endswith("test_postgres") for item in request.session.items
    ):
        request.getfixturevalue("pg_construction")
    root = tmp_path_factory.mktemp("operations") / "l'entrepôt des données"
    root.mkdir()
    env = {
        "ALSES_BDC_DIR": str(root / "bdc"),
        "ALSES_WAREHOUSE": str(root / WAREHOUSE_NAME),
        "ALSES_PUBLISHED": str(root / "publie" / "alses_marts.duckdb"),
        "ALSES_OUTPUT_DIR": str(root / "outputs"),
        "ALSES_OPENDATA_DIR": str(root / "opendata"),
        "DAGSTER_HOME": str(root / "dagster"),
    }
    write_drop(root / "bdc")
    Path(env["DAGSTER_HOME"]).mkdir()
    with environ_restored(), manifest_lock():  # the job copies make's dbt parse
        for key, value in env.items():
            os.environ[key] = value
        result = run_year()
    # The run's event log, as Dagster recorded it (scanned for identifiers).
    (root / "evenements_dagster.log").write_text(
        "\n".join(repr(e) for e in result.all_events), encoding="utf-8"
    )
    assert result.success
    dbt_results = json.loads(
        (artefacts_dbt(root / WAREHOUSE_NAME) / "run_results.json").read_text()
    )
    return Installation(root, env, result, dbt_results)
