"""dbt models as Dagster assets: sources are the raw extraction assets, so the lineage
runs unbroken from each BDC file to each fact; dbt tests surface as asset checks."""

import json
from collections.abc import Mapping
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets, get_asset_key_for_model

from alses.comparaisons import ecrire_comparaisons
from alses.retention import annees_purgees, geler
from alses.settings import is_demo, settings
from orchestration.partitions import annee_scolaire
from orchestration.project import dbt_project


class AlsesTranslator(DagsterDbtTranslator):
    """Groups assets by folder: seeds, staging, intermediate, core (dimensions and facts)
    and marts (the analysts' tables under models/marts/ other than core)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        fqn = dbt_resource_props.get("fqn", [])
        folders = fqn[1:-1]
        if not folders:
            return None
        if folders[0] == "marts" and len(folders) > 1:
            return "core" if folders[1] == "core" else "marts"
        return folders[0]


@dbt_assets(
    manifest=dbt_project.manifest_path,
    dagster_dbt_translator=AlsesTranslator(),
    partitions_def=annee_scolaire,
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Build every model, seed and test of the dbt project.

    Partitioned like the extraction so that one run loads, transforms, reports and
    publishes a school year; the models join every year on annee_scolaire and are
    rebuilt whole (seconds), so the partition only names the year that triggered it.
    """
    # On the demo drops every published figure must hold (error); on a real export a
    # gap is information for the coordinators (warning). See tests/dbt/.
    cfg = settings()
    demo = "oui" if is_demo(cfg.bdc_dir) else "non"
    # One target folder, overwritten at each run, rather than one per run.
    target = dbt_project.project_dir / "target" / "dagster"
    # --full-refresh: a seed whose columns changed is reloaded, not appended to.
    dbt_vars = json.dumps({"annee_scolaire": context.partition_key, "demo": demo})
    args = ["build", "--full-refresh", "--vars", dbt_vars]
    # Purged school years keep their frozen marts (alses/retention.py): the
    # reconciliation and its test run again once they are back.
    purgees = {}
    if cfg.target == "postgres":
        # dbt-postgres runs no Python model: comparaisons_territoriales is computed
        # below, from marts.indicateurs, with the same function (alses/comparaisons.py).
        args += ["--exclude", COMPARAISONS]
    elif cfg.warehouse.is_file():
        with duckdb.connect(str(cfg.warehouse), read_only=True) as con:
            purgees = annees_purgees(con)
    if purgees:
        args += ["--exclude", RAPPROCHEMENT[-1]]  # its test; the model still runs
    yield from dbt.cli(args, context=context, target_path=target).stream()
    if cfg.target == "postgres":
        n = ecrire_comparaisons(dbt_project.manifest_path)
        key = get_asset_key_for_model([dbt_models], COMPARAISONS)
        yield dg.Output(
            None,
            output_name=context.assets_def.get_output_name_for_asset_key(key),
            metadata={"lignes": n, "moteur": "PostgreSQL (asset Python, pas dbt)"},
        )
    if purgees:
        with duckdb.connect(str(cfg.warehouse)) as con:
            gelees = geler(con)
        context.log.info(f"Indicateurs gelés remis en place : {', '.join(gelees)}")
        dbt.cli(
            ["build", "--select", " ".join(RAPPROCHEMENT), "--vars", dbt_vars],
            manifest=dbt_project.manifest_path,
            target_path=target,
        ).wait()


#: The dbt Python model computed by Dagster on PostgreSQL.
COMPARAISONS = "comparaisons_territoriales"

#: Rebuilt after the frozen marts are back (it reads the previous year's values).
RAPPROCHEMENT = ("rapprochement_publication", "assert_chiffres_publies_conformes")
