"""Every path and setting, read from the environment in one place (see README)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
    #: The engine of the warehouse: "duckdb" (default, the file `warehouse`) or
    #: "postgres" (a server, reached through the libpq PG* variables below).
    target: str = "duckdb"
    postgres: PostgresSettings | None = None


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
        target=_target(),
        postgres=postgres_settings(),
    )


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


#: The first line of the README the demo generator writes beside its drops.
DEMO_MARKER = "# Données de démonstration — SYNTHÉTIQUES"


def is_demo(bdc_dir: Path) -> bool:
    """True when the drops under `bdc_dir` are the synthetic demo ones."""
    readme = bdc_dir / "README.md"
    return readme.is_file() and readme.read_text(encoding="utf-8").startswith(DEMO_MARKER)


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
