"""The Dagster code location: assembles only."""

import dagster as dg

from orchestration.assets.controle import garde
from orchestration.assets.dbt import dbt_models
from orchestration.assets.extract import bdc_raw
from orchestration.assets.opendata import donnees_ouvertes, secret_statistique
from orchestration.assets.publish import marts_analystes
from orchestration.assets.report import fiches_territoire, rapport_alses
from orchestration.jobs import annee_complete
from orchestration.resources import dbt, warehouse
from orchestration.retention import purge_mensuelle, purge_retention
from orchestration.schedules import rentree
from orchestration.sensors import nouveau_depot

defs = dg.Definitions(
    assets=[
        bdc_raw,
        dbt_models,
        garde,
        secret_statistique,
        rapport_alses,
        fiches_territoire,
        donnees_ouvertes,
        marts_analystes,
    ],
    jobs=[annee_complete, purge_retention],
    schedules=[rentree, purge_mensuelle],
    sensors=[nouveau_depot],
    resources={"warehouse": warehouse(), "dbt": dbt()},
    executor=dg.in_process_executor,
)
