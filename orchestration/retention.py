"""Retention: a job that purges the personal detail of the school years past their
retention period (alses/retention.py), on a monthly schedule."""

import dagster as dg

from alses.retention import aujourd_hui, purger_echues
from alses.settings import settings


@dg.op(description="Purge le détail personnel des années échues ; leurs indicateurs sont gelés.")
def purger_annees_echues(context: dg.OpExecutionContext) -> dict:
    faites = purger_echues(settings().warehouse, aujourd_hui())
    for annee, tables in faites.items():
        context.log.info(f"{annee} : {sum(tables.values())} lignes de détail personnel purgées")
    if not faites:
        context.log.info("Rien à purger.")
    return {annee: sum(t.values()) for annee, t in faites.items()}


@dg.job(
    description=(
        "Rétention : purge le détail personnel (brut, staging, intermédiaire, cœur) des "
        "années scolaires terminées depuis plus de ALSES_RETENTION_ANNEES ans (2 par "
        "défaut) ; leurs indicateurs sont archivés et gelés."
    )
)
def purge_retention():
    purger_annees_echues()


@dg.schedule(
    job=purge_retention,
    cron_schedule="0 3 1 * *",
    execution_timezone="Europe/Paris",
    description="Le 1er de chaque mois : purge les années échues (rétention).",
)
def purge_mensuelle(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    return dg.RunRequest(run_key=f"purge-{context.scheduled_execution_time.date()}")
