"""Every path and setting, read from the environment in one place (see README)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def empreinte_sources(dossiers: tuple[str, ...]) -> str:
    """A fingerprint of dbt_project.yml and every file under the project's `dossiers`
    (or the file so named; names and contents; Python caches left out)."""
    import hashlib

    digest = hashlib.sha256((ROOT / "dbt_project.yml").read_bytes())
    for folder in dossiers:
        racine = ROOT / folder
        for path in [racine] if racine.is_file() else sorted(racine.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Settings:
    bdc_dir: Path
    warehouse: Path
    published: Path
    output_dir: Path
    log_dir: Path
    nomenclatures: Path
    opendata_dir: Path
    retention_annees: int
    #: DuckDB's memory ceiling per database instance (e.g. `4GiB`); beyond it, DuckDB
    #: spills to `duckdb_temp_directory`. Default: half of the machine's memory
    #: (`memoire_duckdb_par_defaut`).
    duckdb_memory_limit: str
    #: DuckDB's worker threads per connection.
    duckdb_threads: int
    #: Where DuckDB spills what does not fit in memory_limit.
    duckdb_temp_directory: Path
    #: Reports rendered at the same time (worker processes) when several are due.
    rendus_paralleles: int

    def duckdb_config(self) -> dict[str, str]:
        """The DuckDB settings every connection of the job opens with
        (`duckdb.connect(path, config=settings().duckdb_config())`)."""
        return {
            "memory_limit": self.duckdb_memory_limit,
            "threads": str(self.duckdb_threads),
            "temp_directory": str(self.duckdb_temp_directory),
        }

    def duckdb_env(self) -> dict[str, str]:
        """The same settings as the environment variables dbt's profile reads
        (dbt_project/profiles.yml), resolved here: dbt gets exactly these values."""
        return {
            "ALSES_WAREHOUSE": str(self.warehouse),
            "ALSES_DUCKDB_MEMORY_LIMIT": self.duckdb_memory_limit,
            "ALSES_DUCKDB_THREADS": str(self.duckdb_threads),
            "ALSES_DUCKDB_TEMP_DIRECTORY": str(self.duckdb_temp_directory),
        }

    #: The engine of the warehouse: "duckdb" (default, the file `warehouse`) or
    #: "postgres" (a server, reached through the libpq PG* variables below).
    target: str = "duckdb"
    postgres: PostgresSettings | None = None

    @property
    def dbt_target(self) -> Path:
        """The job's dbt target folder (compiled SQL, manifest, run results, dbt's log,
        partial parse): one per warehouse, beside its file (`alses.duckdb.dbt/`), so
        that two warehouses never write the same folder and each build of a warehouse
        starts from its previous parse; on PostgreSQL, target/postgres."""
        if self.target == "postgres":
            return ROOT / "target" / "postgres"
        return artefacts_dbt(self.warehouse)


def artefacts_dbt(warehouse: Path) -> Path:
    """The dbt target folder of a DuckDB warehouse file: beside it, `<file>.dbt/`."""
    return warehouse.with_name(warehouse.name + ".dbt")


TARGETS = ("duckdb", "postgres")


@dataclass(frozen=True)
class PostgresSettings:
    """The server of ALSES_TARGET=postgres, from libpq's usual variables. The password
    is never printed (repr) nor written: `conninfo()` is handed to the driver only."""

    host: str
    port: int
    user: str
    database: str
    password: str = field(default="", repr=False)

    def conninfo(self, user: str | None = None, password: str | None = None) -> dict:
        """psycopg.connect keyword arguments (another `user` for the role tests)."""
        kw = {"host": self.host, "port": self.port, "dbname": self.database}
        kw["user"] = user or self.user
        pw = self.password if password is None else password
        if pw:
            kw["password"] = pw
        return kw

    def describe(self) -> str:
        """Where the warehouse is, for messages (no password)."""
        return f"PostgreSQL {self.user}@{self.host}:{self.port}/{self.database}"


class SettingsError(ValueError):
    """A setting that cannot be used: the message says which and what to do."""


def postgres_settings() -> PostgresSettings | None:
    """The PG* variables, or None when PGHOST is not set (no server configured)."""
    host = os.environ.get("PGHOST")
    if not host:
        return None
    port = os.environ.get("PGPORT") or "5432"
    if not port.isdigit():
        raise SettingsError(f"PGPORT={port!r} : un numéro de port est attendu (ex. 5432).")
    return PostgresSettings(
        host=host,
        port=int(port),
        user=os.environ.get("PGUSER") or "postgres",
        database=os.environ.get("PGDATABASE") or "alses",
        password=os.environ.get("PGPASSWORD") or "",
    )


def settings() -> Settings:
    def path(var: str, default: str) -> Path:
        p = Path(os.environ.get(var) or default)
        return (p if p.is_absolute() else ROOT / p).resolve()

    return Settings(
        bdc_dir=path("ALSES_BDC_DIR", "data/bdc"),
        warehouse=path("ALSES_WAREHOUSE", "warehouse/alses.duckdb"),
        # Not `marts.duckdb`: DuckDB names the catalog after the file, and a catalog
        # `marts` holding a schema `marts` makes `marts.indicateurs` ambiguous.
        published=path("ALSES_PUBLISHED", "warehouse/alses_marts.duckdb"),
        output_dir=path("ALSES_OUTPUT_DIR", "outputs"),
        # make run's full log (Dagster's events, dbt's log): one file per run.
        log_dir=path("ALSES_LOG_DIR", "logs"),
        nomenclatures=ROOT / "seeds" / "nomenclatures.csv",
        opendata_dir=path("ALSES_OPENDATA_DIR", "opendata"),
        # Years after the end of a school year before its personal detail is purged.
        retention_annees=int(os.environ.get("ALSES_RETENTION_ANNEES") or 2),
        duckdb_memory_limit=os.environ.get("ALSES_DUCKDB_MEMORY_LIMIT")
        or memoire_duckdb_par_defaut(),
        duckdb_threads=_positive("ALSES_DUCKDB_THREADS", os.cpu_count() or 1),
        # DuckDB's own default place (`<warehouse>.tmp`), made explicit.
        duckdb_temp_directory=path(
            "ALSES_DUCKDB_TEMP_DIRECTORY",
            str(path("ALSES_WAREHOUSE", "warehouse/alses.duckdb")) + ".tmp",
        ),
        rendus_paralleles=_positive("ALSES_RENDUS_PARALLELES", min(2, os.cpu_count() or 1)),
        target=_target(),
        postgres=postgres_settings(),
    )


def memoire_duckdb_par_defaut() -> str:
    """Half of the machine's physical memory, in MiB (DuckDB's own default is 80 %: the
    other half leaves room for dbt, Dagster, the report workers and the system). A fixed
    ceiling made big drops fail with memory the machine had (4 GiB: « Out of Memory
    Error » in the ×100 bench's largest models, 18 GiB free)."""
    octets = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{octets // 2 // 2**20}MiB"


def _positive(var: str, default: int) -> int:
    value = os.environ.get(var)
    if not value:
        return default
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise SettingsError(
            f"Réglage {var}={value!r} : un nombre entier positif est attendu "
            f"(par défaut {default}). Corrigez la variable d'environnement."
        )
    return n


def _target() -> str:
    target = os.environ.get("ALSES_TARGET") or "duckdb"
    if target not in TARGETS:
        raise SettingsError(
            f"ALSES_TARGET={target!r} : valeurs possibles « duckdb » (défaut, fichier "
            "ALSES_WAREHOUSE) ou « postgres » (serveur désigné par PGHOST, PGPORT, PGUSER, "
            "PGPASSWORD, PGDATABASE)."
        )
    if target == "postgres" and not os.environ.get("PGHOST"):
        raise SettingsError(
            "ALSES_TARGET=postgres mais PGHOST n'est pas défini : indiquez le serveur "
            "(PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE ; voir README, « Un serveur "
            "PostgreSQL »)."
        )
    return target


#: The first line of the file that marks a demo year (and of the README the generator
#: writes beside its drops, which decides nothing).
DEMO_MARKER = "# Données de démonstration — SYNTHÉTIQUES"

#: The demo rule: a school year is demo data when, and only when, its own folder holds
#: this file (a regular file, not a link) whose first line is DEMO_MARKER. Only the demo
#: generator writes it (alses/demo/generator.py), one per year; nothing beside the drops
#: decides it, so a real export copied beside demo years stays a real year. The
#: extraction neither loads nor reports it. See docs/contrat_bdc.md, « Démonstration ».
DEMO_YEAR_FILE = "DEMONSTRATION_ALSES.md"


def is_demo_year(drop: Path) -> bool:
    """True when the year folder `drop` was written by the demo generator (DEMO_YEAR_FILE)."""
    marker = drop / DEMO_YEAR_FILE
    try:
        if marker.is_symlink() or not marker.is_file():
            return False
        with marker.open(encoding="utf-8") as fh:
            return fh.readline(len(DEMO_MARKER) + 2).rstrip("\r\n") == DEMO_MARKER
    except (OSError, UnicodeDecodeError):
        return False


def is_demo(bdc_dir: Path) -> bool:
    """True when there are drops under `bdc_dir` and every one is a demo year (a folder
    mixing demo and real years is refused before any load: alses/depots.py)."""
    years = school_year_folders(bdc_dir)
    return bool(years) and all(is_demo_year(bdc_dir / y) for y in years)


def school_year_folders(bdc_dir: Path) -> list[str]:
    """The drops found under `bdc_dir`: folders named like `2021-2022`."""
    from alses.contract import parse_school_year

    years = []
    if bdc_dir.is_dir():
        for p in bdc_dir.iterdir():
            try:
                parse_school_year(p.name)
            except ValueError:
                continue
            if p.is_dir():
                years.append(p.name)
    return sorted(years)
