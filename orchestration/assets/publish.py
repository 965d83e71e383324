"""Publication for the analysts: the audited marts, atomically (write-audit-publish)."""

import dagster as dg

from alses.publish import publish
from alses.settings import settings
from orchestration.assets.report import MARTS, rapport_alses
from orchestration.garde import GARDE
from orchestration.partitions import annee_scolaire


@dg.asset(
    key=["publication", "marts_analystes"],
    # After the documents, the October gate, and every mart they read.
    deps=[rapport_alses, GARDE, *MARTS],
    partitions_def=annee_scolaire,
    # Once per run, whatever the number of school years it covers.
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="publication",
    description=(
        "Fichier DuckDB des analystes (ALSES_PUBLISHED) : le schéma marts et son "
        "dictionnaire, publié par renommage atomique une fois toutes les vérifications "
        "passées."
    ),
)
def marts_analystes(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    cfg = settings()
    if cfg.target == "postgres":
        # The analysts read the server (role alses_analyste, schema marts, dbt grants):
        # no DuckDB file, no journal of publications there (docs/postgresql.md).
        context.log.info("PostgreSQL : les analystes lisent le schéma marts du serveur.")
        return dg.MaterializeResult(metadata={"moteur": "PostgreSQL (pas de fichier publié)"})
    counts = publish(cfg.warehouse, cfg.published)
    context.log.info(f"Publié : {cfg.published}")
    return dg.MaterializeResult(
        metadata={"fichier": dg.MetadataValue.path(str(cfg.published))}
        | {f"lignes_{t}": n for t, n in counts.items()}
    )
