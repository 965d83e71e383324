"""Disclosure control and open data: which cells the public outputs suppress
(marts.secret_statistique), then the open-data files of each school year."""

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from alses.engine import connect
from alses.opendata import ecrire_secret, exporter, lire_publiques
from alses.settings import settings
from orchestration.assets.dbt import dbt_models
from orchestration.garde import GARDE
from orchestration.partitions import annee_scolaire


@dg.asset(
    key=["marts", "secret_statistique"],
    deps=[get_asset_key_for_model([dbt_models], "indicateurs")],
    partitions_def=annee_scolaire,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="marts",
    description=(
        "Cellules de marts.indicateurs que les sorties publiques masquent, avec la raison "
        "(secret statistique : seuil, parts sensibles, secret secondaire jusqu'à ce que "
        "chaque cellule masquée garde un intervalle assez large). Une fois par exécution, "
        "pour les années dont les cellules ou les règles ont changé ; les autres gardent "
        "leurs lignes."
    ),
)
def secret_statistique(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    # The years whose cells or rules changed only (alses/opendata.py, ecrire_secret).
    publiques = ecrire_secret(settings().warehouse)
    comptes = publiques["secret_statistique"].value_counts()
    annees = ", ".join(sorted(publiques["annee_scolaire"].astype(str).unique())) or "aucune"
    context.log.info(
        f"Secret statistique : {int(comptes.sum())} cellules masquées (années calculées : {annees})"
    )
    return dg.MaterializeResult(
        metadata={"cellules": len(publiques)}
        | {f"masquees_{motif}": int(n) for motif, n in comptes.items()}
    )


@dg.asset(
    key=["opendata", "indicateurs_alses"],
    deps=[secret_statistique, GARDE],
    partitions_def=annee_scolaire,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="publication",
    description=(
        "Données ouvertes de l'année : opendata/<année>/indicateurs_alses_<année>.csv, "
        "le même en Parquet, datapackage.json (Frictionless) et README (Licence Ouverte 2.0)."
    ),
)
def donnees_ouvertes(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    cfg = settings()
    with connect(cfg.warehouse, read_only=True) as con:  # DuckDB or PostgreSQL
        publiques = lire_publiques(con)
    dossiers = []
    for annee in context.partition_keys:  # a backfill writes every year in one run
        chemins = exporter(publiques, annee, cfg.opendata_dir)
        dossiers.append(str(chemins["csv"].parent))
        context.log.info(f"Données ouvertes écrites : {chemins['csv'].parent}")
    return dg.MaterializeResult(metadata={"dossiers": ", ".join(dossiers)})
