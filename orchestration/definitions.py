"""The Dagster code location: assembles only."""

import dagster as dg

from orchestration.assets.extract import bdc_raw
from orchestration.resources import warehouse

defs = dg.Definitions(
    assets=[bdc_raw],
    resources={"warehouse": warehouse()},
    executor=dg.in_process_executor,
)
