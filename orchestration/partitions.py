"""School-year partitions: `2020-2021`, … up to the current school year, plus any drop found."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from alses.settings import school_year_folders, settings

FIRST_YEAR = 2020


def school_year_of(day: dt.date) -> str:
    """The school year a day belongs to (1 September – 31 August)."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{start + 1}"


def school_years(today: dt.date | None = None) -> list[str]:
    current = int(school_year_of(today or dt.date.today())[:4])
    years = {f"{y}-{y + 1}" for y in range(FIRST_YEAR, current + 1)}
    years |= set(school_year_folders(settings().bdc_dir))
    return sorted(years)


annee_scolaire = dg.StaticPartitionsDefinition(school_years())
