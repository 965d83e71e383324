"""dbt's environment and `make`'s dbt parse, without importing Dagster.

dbt's profile (dbt_project/profiles.yml) reads the same `ALSES_WAREHOUSE` and DuckDB
settings as `alses.settings`: `dbt_env()` puts the values settings resolves in the
environment every dbt call inherits. dbt parses the whole project again (≈ 8 s) when its
target, vars or connection details (the warehouse's path, DuckDB's settings) differ from
the previous parse in the same target folder, so make's parse (`python -m
orchestration.analyse_dbt`, target/manifest.json) runs in that same environment, and
the job's build starts from it (`reprendre_analyse`): only the files that changed are
read again.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from alses.settings import ROOT, settings

#: The dbt of this interpreter's environment, even when .venv/bin is not on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")
#: make's parse: target/manifest.json (the Dagster definitions read it).
TARGET = ROOT / "target"

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
    the whole project. dbt checks that the target, vars, profile and files match, and
    parses everything again when they do not: an unsuitable copy costs one full parse,
    never a wrong one. Copied under another name, then renamed: a dbt reading the folder
    never sees half a file."""
    source = TARGET / "partial_parse.msgpack"
    copie = target / "partial_parse.msgpack"
    if source.is_file() and (not copie.is_file() or copie.stat().st_mtime < source.stat().st_mtime):
        target.mkdir(parents=True, exist_ok=True)
        provisoire = copie.with_name(f".{copie.name}.{os.getpid()}")
        shutil.copy2(source, provisoire)
        os.replace(provisoire, copie)


def options_dbt(target: Path, cible: str | None = None) -> list[str]:
    """The options of every dbt the project runs itself (make's parse, the tests): the
    profile's output (`cible`, default settings' ALSES_TARGET), the profiles and project
    folders, and the target folder `target`, which also holds dbt's log file, at info as
    the job's (orchestration/assets/dbt.py): at debug, the default, every SQL statement
    is written, 6 to 8 % of a build's CPU, into the project's logs/ shared by every call."""
    return [
        "--target",
        cible or settings().target,
        "--profiles-dir",
        str(ROOT / "dbt_project"),
        "--project-dir",
        str(ROOT),
        "--target-path",
        str(target),
        "--log-path",
        str(target),
        "--log-level-file",
        "info",
    ]


def parse(target: Path = TARGET) -> int:
    """`make`'s dbt parse: target/manifest.json and target/partial_parse.msgpack, in the
    environment the job gives dbt and with its target (the profile's output of
    ALSES_TARGET), as dagster-dbt calls dbt. `--installation`: into the job's own dbt
    folder (Settings.dbt_target) instead, for an installation whose settings differ
    from make's (the bench's: bench/banc.py)."""
    dbt_env()
    reprendre_analyse(target)  # an installation's parse starts from make's (no-op for it)
    commande = [DBT_EXECUTABLE, "parse", "--quiet", *options_dbt(target)]
    return subprocess.run(commande, cwd=ROOT, check=False).returncode


if __name__ == "__main__":
    sys.exit(parse(settings().dbt_target if "--installation" in sys.argv[1:] else TARGET))
