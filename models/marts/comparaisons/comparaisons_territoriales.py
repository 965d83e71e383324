"""marts.comparaisons_territoriales: each territory against the rest of the Nord, for
every share of marts.indicateurs (two-proportion test, Holm correction across the
territories, Wilson 95 % intervals). The statistics live in alses/comparaisons.py,
unit-tested there; this model only reads the mart and writes the result.

Incremental on annee_scolaire (dbt_project/macros/increments.sql): a year's comparisons
read that year's cells and, for the year-on-year test, the previous year's, so a run
recomputes the years of `ALSES_DBT_ANNEES` and `ALSES_DBT_ANNEES_SUIVANTES`
(comma-separated; every year without the first), read from the environment like the
SQL models do (dbt-duckdb runs this model in dbt's own process)."""

import os
import re


def model(dbt, session):
    dbt.config(materialized="incremental", schema="marts")
    from alses.comparaisons import comparer
    from alses.sql import literal

    indicateurs = dbt.ref("indicateurs")
    grappes = dbt.ref("int_comparaisons__grappes")
    annees = [
        a.strip()
        for nom in ("ALSES_DBT_ANNEES", "ALSES_DBT_ANNEES_SUIVANTES")
        for a in os.environ.get(nom, "").split(",")
        if a.strip()
    ]
    calculees = None
    if dbt.is_incremental and annees:
        if not all(re.fullmatch(r"[0-9]{4}-[0-9]{4}", a) for a in annees):
            raise ValueError(f"Années scolaires inattendues : {annees!r} (attendu AAAA-AAAA).")
        calculees = annees
        lues = annees + [f"{int(a[:4]) - 1}-{a[:4]}" for a in annees]
        liste = ", ".join(literal(a) for a in lues)
        indicateurs = indicateurs.filter(f"annee_scolaire in ({liste})")
        grappes = grappes.filter(f"annee_scolaire in ({liste})")
    out = comparer(indicateurs.df(), grappes.df())
    if calculees is not None:
        out = out[out["annee_scolaire"].isin(calculees)]
    # A year with no significant gap has no `sens` at all: typed, so that DuckDB does not
    # infer a NULL column (an increment's rows must match the table's types).
    for col in ("sens", "ps_sens", "methode"):
        out[col] = out[col].astype("string")
    return out
