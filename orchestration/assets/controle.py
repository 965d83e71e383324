"""The October gate: the audit of the run's school years (dbt's controle_annee), the
coordinator's control pages, and a blocking check that keeps every public output of the
run (report, territory sheets, open data, analysts' file) from being written while a
year has a blocking anomaly nobody accepted (alses/controle.py)."""

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from alses.controle import controler, message_arret, resume
from alses.settings import settings
from orchestration.assets.dbt import dbt_models
from orchestration.garde import CONTROLE, GARDE
from orchestration.partitions import annee_scolaire


@dg.asset(
    key=GARDE,
    deps=[get_asset_key_for_model([dbt_models], "controle_annee")],
    partitions_def=annee_scolaire,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="controle",
    check_specs=[
        dg.AssetCheckSpec(
            CONTROLE,
            asset=GARDE,
            blocking=True,
            description=(
                "Aucune année du run n'a d'anomalie bloquante non acceptée "
                "(controle.controle_annee ; make run ACCEPTER=AAAA-AAAA)."
            ),
        )
    ],
    description=(
        "Contrôle d'octobre : pour chaque année du run, la page outputs/controle_<année>.html "
        "(et PDF) ; une anomalie bloquante non acceptée arrête toute sortie publique."
    ),
)
def garde(context: dg.AssetExecutionContext):
    cfg = settings()
    annees = list(context.partition_keys)
    if cfg.target == "postgres":
        context.log.info("PostgreSQL : le contrôle d'octobre ne lit que l'entrepôt DuckDB.")
        yield dg.MaterializeResult(metadata={"moteur": "PostgreSQL (non contrôlé)"})
        yield dg.AssetCheckResult(check_name=CONTROLE, passed=True)
        return
    resultats = controler(cfg.warehouse, annees, cfg.output_dir)
    bloquees = [r for r in resultats if not r.publiable]
    yield dg.MaterializeResult(
        metadata={
            "resume": resume(resultats),
            "pages": ", ".join(str(r.page) for r in resultats),
            "acceptees": ", ".join(
                f"{r.annee} ({r.acceptee_par})" for r in resultats if r.bloquants and r.acceptee_par
            )
            or "aucune",
        }
    )
    yield dg.AssetCheckResult(
        check_name=CONTROLE,
        passed=not bloquees,
        severity=dg.AssetCheckSeverity.ERROR,
        description=message_arret(resultats) if bloquees else "Aucune anomalie bloquante.",
        metadata={
            r.annee: ", ".join(c.code for c in r.bloquants) or "aucun contrôle bloquant"
            for r in resultats
        },
    )
