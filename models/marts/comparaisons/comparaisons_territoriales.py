"""marts.comparaisons_territoriales: each territory against the rest of the Nord, for
every share of marts.indicateurs (two-proportion test, Holm correction across the
territories, Wilson 95 % intervals). The statistics live in alses/comparaisons.py,
unit-tested there; this model only reads the mart and writes the result."""


def model(dbt, session):
    dbt.config(materialized="table", schema="marts")
    from alses.comparaisons import comparer

    indicateurs = dbt.ref("indicateurs").df()
    return comparer(indicateurs)
