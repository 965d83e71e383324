"""The Dagster code location: assembles only."""

import dagster as dg

from orchestration.assets.dbt import dbt_models
from orchestration.assets.extract import bdc_raw
from orchestration.jobs import extraction, transformation
from orchestration.resources import dbt, warehouse

defs = dg.Definitions(
    assets=[bdc_raw, dbt_models],
    jobs=[extraction, transformation],
    resources={"warehouse": warehouse(), "dbt": dbt()},
    executor=dg.in_process_executor,
)
