"""marts.comparaisons_territoriales: each territory against the rest of the Nord, for
every share of marts.indicateurs (two-proportion test, Holm correction across the
territories, Wilson 95 % intervals). The statistics live in alses/comparaisons.py,
unit-tested there; this model only reads the mart and writes the result.

Incremental on annee_scolaire (dbt_project/macros/increments.sql): a year's comparisons
read that year's cells only (not valeur_n_1), so a run recomputes the years of
`ALSES_DBT_ANNEES` (comma-separated; every year without it), read from the environment
like the SQL models do (dbt-duckdb runs this model in dbt's own process)."""

import os
import re


def model(dbt, session):
    dbt.config(materialized="incremental", schema="marts")
    from alses.comparaisons import comparer
    from alses.sql import literal

    indicateurs = dbt.ref("indicateurs")
    annees = [a.strip() for a in os.environ.get("ALSES_DBT_ANNEES", "").split(",") if a.strip()]
    if dbt.is_incremental and annees:
        if not all(re.fullmatch(r"[0-9]{4}-[0-9]{4}", a) for a in annees):
            raise ValueError(f"Années scolaires inattendues : {annees!r} (attendu AAAA-AAAA).")
        liste = ", ".join(literal(a) for a in annees)
        indicateurs = indicateurs.filter(f"annee_scolaire in ({liste})")
    out = comparer(indicateurs.df())
    # A year with no significant gap has no `sens` at all: typed, so that DuckDB does not
    # infer a NULL column (an increment's rows must match the table's types).
    out["sens"] = out["sens"].astype("string")
    return out
