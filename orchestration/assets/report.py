"""The annual report and the territory sheets of each school year, written from the
marts (HTML and PDF)."""

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from alses.report.build import write_report, write_tableaux
from alses.report.fiches import write_fiches
from alses.settings import settings
from orchestration.assets.dbt import dbt_models
from orchestration.partitions import annee_scolaire

MARTS = [
    get_asset_key_for_model([dbt_models], name)
    for name in (
        "indicateurs",
        "catalogue_indicateurs",
        "comparaisons_territoriales",
        "rapprochement_publication",
        "qualite_saisie",
    )
] + [dg.AssetKey(["marts", "secret_statistique"])]  # the one suppression pattern


@dg.asset(
    key=["outputs", "rapport_alses"],
    deps=MARTS,
    partitions_def=annee_scolaire,
    group_name="outputs",
    description="Rapport annuel ALSES de l'année scolaire : HTML autonome et PDF balisé.",
)
def rapport_alses(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    cfg = settings()
    html_path, pdf_path = write_report(cfg.warehouse, context.partition_key, cfg.output_dir)
    context.log.info(f"Rapport écrit : {html_path} et {pdf_path}")
    return dg.MaterializeResult(
        metadata={
            "html": dg.MetadataValue.path(str(html_path)),
            "pdf": dg.MetadataValue.path(str(pdf_path)),
        }
    )


@dg.asset(
    key=["outputs", "fiches_territoire"],
    deps=MARTS,
    partitions_def=annee_scolaire,
    group_name="outputs",
    description=(
        "Une fiche de deux pages par territoire (HTML et PDF) : ses chiffres à côté de ceux "
        "du département, ses premières demandes, ses partenaires, le renseignement de ses "
        "structures ; et les chiffres détaillés de chaque indicateur (tableaux_alses)."
    ),
)
def fiches_territoire(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    cfg = settings()
    paths = write_fiches(cfg.warehouse, context.partition_key, cfg.output_dir)
    paths += write_tableaux(cfg.warehouse, context.partition_key, cfg.output_dir)
    context.log.info(f"Fiches territoire et chiffres détaillés écrits dans {cfg.output_dir}")
    return dg.MaterializeResult(metadata={"fichiers": len(paths)})
