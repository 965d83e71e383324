"""Yearly refresh on the school calendar: on 1 October (Europe/Paris), the school year
that ended on 31 August (added to the dynamic partitions if it is not there yet)."""

import datetime as dt

import dagster as dg

from orchestration.jobs import annee_complete
from orchestration.partitions import ajouter_annees, school_year_of


def annee_terminee(day: dt.date) -> str:
    """The last school year over by `day`: a year runs to 31 August included."""
    return school_year_of(dt.date(day.year if day.month >= 9 else day.year - 1, 8, 31))


@dg.schedule(
    job=annee_complete,
    cron_schedule="0 6 1 10 *",
    execution_timezone="Europe/Paris",
    description="Le 1er octobre : rafraîchit l'année scolaire terminée le 31 août.",
)
def rentree(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    annee = annee_terminee(context.scheduled_execution_time.date())
    try:
        instance = context.instance
    except dg.DagsterInvariantViolationError:  # evaluated outside an instance (tests)
        instance = None
    if instance is not None:
        ajouter_annees(instance, [annee])
    return dg.RunRequest(run_key=f"rentree-{annee}", partition_key=annee)
