"""The Dagster code location: assembles only."""

import dagster as dg

from orchestration.assets.dbt import dbt_models
from orchestration.assets.extract import bdc_raw
from orchestration.assets.report import rapport_alses
from orchestration.jobs import extraction, rapport, transformation
from orchestration.resources import dbt, warehouse

defs = dg.Definitions(
    assets=[bdc_raw, dbt_models, rapport_alses],
    jobs=[extraction, transformation, rapport],
    resources={"warehouse": warehouse(), "dbt": dbt()},
    executor=dg.in_process_executor,
)
