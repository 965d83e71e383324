"""School-year partitions: the drops found, nothing computed at import.

`annee_scolaire` is a dynamic partitions definition: a year exists once its folder has
been found (the `nouveau_depot` sensor, `make run`, or the October schedule add it).
"""

from __future__ import annotations

import datetime as dt

import dagster as dg

#: The name of the dynamic partitions definition (stored in the Dagster instance).
ANNEES = "annee_scolaire"

annee_scolaire = dg.DynamicPartitionsDefinition(name=ANNEES)


def school_year_of(day: dt.date) -> str:
    """The school year a day belongs to (1 September – 31 August)."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{start + 1}"


def ajouter_annees(instance: dg.DagsterInstance, annees: list[str]) -> list[str]:
    """Add the school years not yet known to the instance; the ones added, sorted."""
    connues = set(instance.get_dynamic_partitions(ANNEES))
    nouvelles = sorted(set(annees) - connues)
    if nouvelles:
        instance.add_dynamic_partitions(ANNEES, nouvelles)
    return nouvelles
