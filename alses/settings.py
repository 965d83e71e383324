"""Every path and setting, read from the environment in one place (see README)."""

from __future__ import annotations

import os
from dataclasses import dataclass
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
    )


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
