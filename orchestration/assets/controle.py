"""The October gate: the audit of the run's school years (dbt's controle_annee), the
coordinator's control pages, and a blocking check that keeps every public output of the
run (report, territory sheets, open data, analysts' file) from being written while a
year has a blocking anomaly nobody accepted (alses/controle.py)."""

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from alses.controle import controler, message_arret, resume
from alses.settings import settings
from orchestration.assets.dbt import dbt_models
from orchestration.partitions import annee_scolaire

GARDE = dg.AssetKey(["controle", "garde"])
CONTROLE = "aucune_anomalie_bloquante"


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
                "(controle.controle_annee ; make run ACCEPTER=AAAA-AAAA)."
            ),
        )
    ],
    description=(
        "Contrôle d'octobre : pour chaque année du run, la page outputs/controle_<année>.html "
        "(et PDF) ; une anomalie bloquante non acceptée arrête toute sortie publique."
    ),
)
def garde(context: dg.AssetExecutionContext):
    cfg = settings()
    annees = list(context.partition_keys)
    if cfg.target == "postgres":
        context.log.info("PostgreSQL : le contrôle d'octobre ne lit que l'entrepôt DuckDB.")
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


def message_du_run(result: dg.ExecuteInProcessResult, step_key: str) -> str | None:
    """The French message of a run the gate stopped (its check's description), for
    `make run`; None for another step."""
    if step_key != "controle__garde":
        return None
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if evaluation.check_name == CONTROLE and not evaluation.passed:
                return evaluation.description
    return None


def pages_du_run(result: dg.ExecuteInProcessResult) -> str:
    """The control pages a run wrote (its materialization's metadata), for `make run`."""
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            materialisation = event.event_specific_data.materialization
            if materialisation.asset_key == GARDE and "resume" in materialisation.metadata:
                return materialisation.metadata["resume"].value
    return ""
